using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace EfaPlatform.Routing.Authorities;

/// <summary>
/// What a unit must be, the same for the API and an import. <c>report(field, description)</c> receives every problem,
/// the field named the caller's way (the API: "unit.leika_keys[0]"; an import: "line 7: leikaKeys").
/// </summary>
public static partial class UnitRules
{
    public const int MaxLeikaKeys = 500;
    public const int MaxAreas = 500;
    public const int MaxDestinations = 10;

    /// <summary>Key/area pairs one unit covers: each is a row of the lookup's index.</summary>
    public const int MaxCoverage = 10_000;
    private static readonly int[] AreaLengths = [2, 5, 9, 12];

    public static bool IsUnitId(string value) => UnitIdPattern().IsMatch(value);

    public static bool IsLeikaKey(string value) => LeikaPattern().IsMatch(value);

    /// <summary>An ARS prefix: a Land (01–16), a district, a Gemeindeverband or a municipality.</summary>
    public static bool IsArea(string value) =>
        AreaLengths.Contains(value.Length) && DigitsPattern().IsMatch(value) && int.Parse(value[..2], System.Globalization.CultureInfo.InvariantCulture) is >= 1 and <= 16;

    public static bool IsArs(string value) => value.Length == 12 && IsArea(value);

    public static void Check(DirectoryUnit unit, Func<string, string> name, bool allowLoopbackHttp, Action<string, string> report)
    {
        if (!IsUnitId(unit.UnitId))
        {
            report(name("unit_id"), "must be 1 to 64 characters of a-z, 0-9 and \"-\", starting with a letter or digit");
        }

        if (string.IsNullOrWhiteSpace(unit.Name) || unit.Name.Length > 200)
        {
            report(name("name"), "is required, at most 200 characters");
        }

        foreach (var (field, text) in TextsOf(unit))
        {
            if (text.Any(char.IsControl) || text.Any(char.IsSurrogate))
            {
                report(name(field), "must not contain control characters or broken characters");
            }
        }

        if (unit.LeikaKeys.Count * unit.Areas.Count > MaxCoverage)
        {
            report(name("areas"), $"a unit covers at most {MaxCoverage} pairs of LeiKa key and area ({unit.LeikaKeys.Count} × {unit.Areas.Count} given); split it");
        }

        CheckList(unit.LeikaKeys, name("leika_keys"), MaxLeikaKeys, IsLeikaKey, "must be a LeiKa key of 14 digits", report);
        CheckList(unit.Areas, name("areas"), MaxAreas, IsArea,
            "must be an ARS prefix: 2 digits (Land 01-16), 5 (district), 9 (Gemeindeverband) or 12 (municipality)", report);
        CheckContact(unit.Contact, name, report);
        if (unit.Destinations.Count is 0 or > MaxDestinations)
        {
            report(name("destinations"), $"must have 1 to {MaxDestinations} destinations");
        }

        for (var i = 0; i < Math.Min(unit.Destinations.Count, MaxDestinations); i++)
        {
            CheckDestination(unit.Destinations[i], unit.LeikaKeys, field => name($"destinations[{i}].{field}"), allowLoopbackHttp, report);
        }
    }

    private static IEnumerable<(string Field, string Text)> TextsOf(DirectoryUnit unit)
    {
        yield return ("name", unit.Name);
        yield return ("contact.email", unit.Contact.Email);
        yield return ("contact.phone", unit.Contact.Phone);
        yield return ("contact.address", unit.Contact.Address);
        for (var i = 0; i < unit.Destinations.Count; i++)
        {
            yield return ($"destinations[{i}].push_url", unit.Destinations[i].PushUrl ?? "");
            yield return ($"destinations[{i}].callback_secret", unit.Destinations[i].CallbackSecret ?? "");
        }
    }

    private static void CheckList(IReadOnlyList<string> values, string field, int max, Func<string, bool> valid, string description, Action<string, string> report)
    {
        if (values.Count is 0 || values.Count > max)
        {
            report(field, $"must have 1 to {max} entries");
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < values.Count; i++)
        {
            if (!valid(values[i]))
            {
                report($"{field}[{i}]", description);
            }
            else if (!seen.Add(values[i]))
            {
                report($"{field}[{i}]", $"{values[i]} is listed twice");
            }
        }
    }

    private static void CheckContact(UnitContact contact, Func<string, string> name, Action<string, string> report)
    {
        if (contact.Email.Length > 254 || (contact.Email.Length > 0 && !EmailPattern().IsMatch(contact.Email)))
        {
            report(name("contact.email"), "must be an e-mail address");
        }

        if (contact.Phone.Length > 50 || (contact.Phone.Length > 0 && !PhonePattern().IsMatch(contact.Phone)))
        {
            report(name("contact.phone"), "must be a phone number (digits, spaces, + - / ( ), at most 50)");
        }

        if (contact.Address.Length > 300)
        {
            report(name("contact.address"), "must be at most 300 characters");
        }
    }

    private static void CheckDestination(
        DirectoryDestination destination, IReadOnlyList<string> unitKeys, Func<string, string> name, bool allowLoopbackHttp, Action<string, string> report)
    {
        if (!Channels.All.Contains(destination.Channel))
        {
            report(name("channel"), "must be push, pull or inbox");
            return;
        }

        if (destination.Channel == Channels.Push)
        {
            if (!IsPushUrl(destination.PushUrl, allowLoopbackHttp))
            {
                report(name("push_url"), allowLoopbackHttp
                    ? "must be an absolute https URL (or http to a loopback address), at most 2000 characters"
                    : "must be an absolute https URL, at most 2000 characters");
            }

            // An existing destination (named by its id) may keep its stored secret; the writer checks that it has one.
            if (destination.CallbackSecret is { } secret ? secret.Length is < 32 or > 256 : destination.DestinationId == Guid.Empty)
            {
                report(name("callback_secret"), "is required for a push destination, 32 to 256 characters");
            }
        }
        else if (!string.IsNullOrEmpty(destination.PushUrl) || !string.IsNullOrEmpty(destination.CallbackSecret))
        {
            report(name("push_url"), "only a push destination has a URL and a callback secret");
        }

        if (!string.IsNullOrEmpty(destination.EncryptionKey))
        {
            if (destination.Channel == Channels.Inbox)
            {
                report(name("encryption_key"), "only push and pull destinations take encrypted deliveries; caseworkers read the inbox in the platform");
            }
            else if (EncryptionKeyProblem(destination.EncryptionKey) is { } problem)
            {
                report(name("encryption_key"), problem);
            }
        }

        for (var i = 0; i < destination.LeikaKeys.Count; i++)
        {
            if (!unitKeys.Contains(destination.LeikaKeys[i]))
            {
                report(name($"leika_keys[{i}]"), "must be one of the unit's LeiKa keys");
            }
        }
    }

    private static bool IsPushUrl(string? value, bool allowLoopbackHttp) =>
        value is { Length: <= 2000 }
        && Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && string.IsNullOrEmpty(uri.UserInfo)
        && (uri.Scheme == Uri.UriSchemeHttps
            || (allowLoopbackHttp && uri.Scheme == Uri.UriSchemeHttp && IPAddress.TryParse(uri.Host, out var address) && IPAddress.IsLoopback(address)));

    /// <summary>Why a JWK is not a usable RSA encryption key, or null when it is.</summary>
    public static string? EncryptionKeyProblem(string jwk)
    {
        if (jwk.Length > 8192)
        {
            return "must be at most 8192 characters";
        }

        try
        {
            if (JsonWebKeys.HasPrivateParts(jwk))
            {
                return "must be the public key only (no d, p, q, dp, dq, qi): the private key stays with the destination";
            }

            using var rsa = JsonWebKeys.ToRsa(jwk);
            return rsa.KeySize is < 2048 or > 8192 ? "must be an RSA key of 2048 to 8192 bits" : null;
        }
        catch (Exception e) when (e is JsonException or FormatException or CryptographicException or KeyNotFoundException or InvalidOperationException)
        {
            return "must be an RSA public key as a JWK (kty RSA, n, e)";
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex UnitIdPattern();

    [GeneratedRegex("^[0-9]{14}$")]
    private static partial Regex LeikaPattern();

    [GeneratedRegex("^[0-9]+$")]
    private static partial Regex DigitsPattern();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"^[0-9 +\-/()]{3,50}$")]
    private static partial Regex PhonePattern();
}
