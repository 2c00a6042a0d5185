using System.Globalization;

namespace EfaPlatform.Forms.Submissions;

/// <summary>
/// Keyset position in a newest-first list: the last item's time and id. <see cref="ServiceDefaults.Paging"/> wraps it
/// into the opaque page token callers see.
/// </summary>
public sealed record PageToken(DateTimeOffset SubmittedAt, Guid Id)
{
    public override string ToString() => $"{SubmittedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}:{Id:N}";

    public static bool TryParse(string? text, out PageToken? token)
    {
        token = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        var parts = text.Split(':');
        if (parts.Length == 2 && long.TryParse(parts[0], CultureInfo.InvariantCulture, out var ticks) && ticks is >= 0 and <= 3155378975999999999
            && Guid.TryParseExact(parts[1], "N", out var id))
        {
            token = new PageToken(new DateTimeOffset(ticks, TimeSpan.Zero), id);
            return true;
        }

        return false;
    }
}
