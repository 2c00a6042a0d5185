using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace EfaPlatform.Forms.Submissions;

/// <summary>Keyset position in a newest-first list: the last item's time and id, opaque to callers.</summary>
public sealed record PageToken(DateTimeOffset SubmittedAt, Guid Id)
{
    public override string ToString() =>
        WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes($"{SubmittedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}:{Id:N}"));

    public static bool TryParse(string text, out PageToken? token)
    {
        token = null;
        if (text.Length == 0)
        {
            return true;
        }

        try
        {
            var parts = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(text)).Split(':');
            if (parts.Length == 2 && long.TryParse(parts[0], CultureInfo.InvariantCulture, out var ticks) && ticks is >= 0 and <= 3155378975999999999
                && Guid.TryParseExact(parts[1], "N", out var id))
            {
                token = new PageToken(new DateTimeOffset(ticks, TimeSpan.Zero), id);
                return true;
            }
        }
        catch (FormatException)
        {
        }

        return false;
    }
}
