namespace EfaPlatform.Forms.Tests;

/// <summary>A clock standing at noon in Berlin on a fixed day, so that "not in the future" has one meaning.</summary>
internal sealed class FixedClock(DateOnly today) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => new(today.ToDateTime(new TimeOnly(11, 0)), TimeSpan.Zero);
}
