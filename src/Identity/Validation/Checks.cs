using System.Net.Mail;
using System.Text.RegularExpressions;

namespace EfaPlatform.Identity.Validation;

public static partial class Checks
{
    /// <summary>
    /// Amtlicher Regionalschlüssel: 12 digits — Land (2, 01 to 16), Regierungsbezirk (1), Kreis (2), Gemeindeverband (4),
    /// Gemeinde (3).
    /// </summary>
    /// <returns>Why it is not a valid ARS, or null.</returns>
    public static string? Ars(string? ars)
    {
        if (ars is null || !TwelveDigits().IsMatch(ars))
        {
            return "must be 12 digits (Land 2, Regierungsbezirk 1, Kreis 2, Gemeindeverband 4, Gemeinde 3)";
        }

        var land = int.Parse(ars[..2], System.Globalization.CultureInfo.InvariantCulture);
        return land is < 1 or > 16 ? "must start with a Land code from 01 to 16" : null;
    }

    public static string? Slug(string? slug) =>
        slug is not null && SlugPattern().IsMatch(slug) ? null : "must be 2 to 63 lower-case letters, digits or hyphens, starting with a letter";

    /// <summary>
    /// An address someone can receive mail at. The reserved top-level domain .invalid is refused: eID accounts live
    /// there ({pseudonym}@eid.invalid), and nobody may register one in advance to take over a person's eID account.
    /// </summary>
    public static string? Email(string? email) =>
        email is { Length: > 3 and <= 254 } && MailAddress.TryCreate(email, out var parsed) && parsed.Address == email.Trim()
            ? parsed.Host.EndsWith(".invalid", StringComparison.OrdinalIgnoreCase) ? "must be an address that can receive mail (.invalid is reserved)" : null
            : "must be an e-mail address";

    public static Guid? Id(string? value) => Guid.TryParse(value, out var id) ? id : null;

    [GeneratedRegex("^[0-9]{12}$")]
    private static partial Regex TwelveDigits();

    [GeneratedRegex("^[a-z][a-z0-9-]{1,62}$")]
    private static partial Regex SlugPattern();
}
