using System.Numerics;

namespace EfaPlatform.Forms.Schemas;

/// <summary>IBAN check: country length (ISO 13616 registry, for the countries around Germany) and the mod-97 checksum.</summary>
public static class Ibans
{
    private static readonly Dictionary<string, int> Lengths = new(StringComparer.Ordinal)
    {
        ["DE"] = 22, ["AT"] = 20, ["CH"] = 21, ["FR"] = 27, ["NL"] = 18, ["BE"] = 16, ["LU"] = 20, ["DK"] = 18, ["PL"] = 28,
        ["CZ"] = 24, ["IT"] = 27, ["ES"] = 24, ["LI"] = 21,
    };

    public static bool IsValid(string iban)
    {
        var compact = iban.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        if (compact.Length is < 15 or > 34 || !compact.All(char.IsAsciiLetterOrDigit) || !char.IsAsciiLetter(compact[0]) || !char.IsAsciiLetter(compact[1]))
        {
            return false;
        }

        if (Lengths.TryGetValue(compact[..2], out var length) && compact.Length != length)
        {
            return false;
        }

        var rearranged = compact[4..] + compact[..4];
        var digits = string.Concat(rearranged.Select(c => char.IsAsciiDigit(c) ? c.ToString() : (c - 'A' + 10).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return BigInteger.Parse(digits, System.Globalization.CultureInfo.InvariantCulture) % 97 == 1;
    }
}
