namespace EfaPlatform.Messaging;

/// <summary>The platform's one backoff rule, for retries of handlers and for asking providers again.</summary>
public static class Backoff
{
    /// <summary>Between 75 % and 125 % of <paramref name="delay"/>, so that work failing together does not retry together.</summary>
    public static TimeSpan Jittered(TimeSpan delay) => delay * (0.75 + Random.Shared.NextDouble() * 0.5);

    /// <summary>Exponential: <paramref name="first"/> for attempt 1, doubled each time, never above <paramref name="max"/>.</summary>
    public static TimeSpan For(int attempt, TimeSpan first, TimeSpan max)
    {
        var factor = Math.Pow(2, Math.Clamp(attempt - 1, 0, 30));
        return TimeSpan.FromTicks((long)Math.Min(max.Ticks, first.Ticks * factor));
    }
}
