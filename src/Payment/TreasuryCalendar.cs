namespace EfaPlatform.Payment;

/// <summary>The municipal treasury's days and years: German local time (Europe/Berlin), whatever the servers' clock zone.</summary>
public static class TreasuryCalendar
{
    public static readonly TimeZoneInfo TimeZone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    /// <summary>The earliest day an export may ask for.</summary>
    public static readonly DateOnly FirstDay = new(2000, 1, 1);

    public static DateTimeOffset Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, TimeZone);

    public static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(Local(now).DateTime);

    public static int YearOf(DateTimeOffset at) => Local(at).Year;

    /// <summary>Where <paramref name="day"/> begins and ends.</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) DayOf(DateOnly day)
    {
        var start = day.ToDateTime(TimeOnly.MinValue);
        var end = day.AddDays(1).ToDateTime(TimeOnly.MinValue);
        return (new DateTimeOffset(start, TimeZone.GetUtcOffset(start)), new DateTimeOffset(end, TimeZone.GetUtcOffset(end)));
    }
}
