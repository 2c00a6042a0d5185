namespace EfaPlatform.Messaging;

/// <summary>The platform's one backoff rule, for retries of handlers and for asking providers again.</summary>
public static class Backoff
{
    /// <summary>Exponential: <paramref name="first"/> for attempt 1, doubled each time, never above <paramref name="max"/>.</summary>
    public static TimeSpan For(int attempt, TimeSpan first, TimeSpan max)
    {
        var factor = Math.Pow(2, Math.Clamp(attempt - 1, 0, 30));
        return TimeSpan.FromTicks((long)Math.Min(max.Ticks, first.Ticks * factor));
    }
}
