using System.Globalization;
using System.Text;

namespace EfaPlatform.Payment.Kassenzeichen;

/// <summary>
/// How a municipality's treasury writes its cash references: a fixed prefix (its Haushaltsstelle or office number),
/// the year, a sequence number with leading zeros, and a check digit, for example "50" + "2026" + "000017" + "3".
/// </summary>
public sealed class KassenzeichenFormat
{
    public const string Luhn = "luhn";
    public const string NoCheckDigit = "none";

    /// <summary>Digits and capital letters, up to 12.</summary>
    public string Prefix { get; set; } = "";

    public bool IncludeYear { get; set; } = true;

    /// <summary>At least this many digits; a larger number grows the reference rather than repeating one.</summary>
    public int SequenceDigits { get; set; } = 6;

    /// <summary>"luhn" (mod 10 over the digits, letters as their position in the alphabet + 9) or "none".</summary>
    public string CheckDigit { get; set; } = Luhn;

    /// <summary>What is wrong with this format, by property (camelCase), or nothing.</summary>
    public IEnumerable<(string Property, string Problem)> Problems()
    {
        if (Prefix is null || Prefix.Length > 12 || !Prefix.All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterUpper(c)))
        {
            yield return ("prefix", "must be up to 12 digits and capital letters");
        }

        if (SequenceDigits is < 3 or > 12)
        {
            yield return ("sequenceDigits", "must be from 3 to 12");
        }

        if (CheckDigit is not (Luhn or NoCheckDigit))
        {
            yield return ("checkDigit", $"must be {Luhn} or {NoCheckDigit}");
        }
    }

    public string Format(int year, long sequence)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sequence);
        var body = new StringBuilder(Prefix);
        if (IncludeYear)
        {
            body.Append(year.ToString("D4", CultureInfo.InvariantCulture));
        }

        body.Append(sequence.ToString(CultureInfo.InvariantCulture).PadLeft(SequenceDigits, '0'));
        return CheckDigit == Luhn ? body.Append(LuhnDigit(body.ToString())).ToString() : body.ToString();
    }

    /// <summary>Whether <paramref name="kassenzeichen"/> carries a correct check digit (always true without one).</summary>
    public bool HasValidCheckDigit(string kassenzeichen) =>
        CheckDigit != Luhn || (kassenzeichen.Length > 1 && kassenzeichen[^1] == LuhnDigit(kassenzeichen[..^1]));

    /// <summary>The digit that makes the Luhn sum of <paramref name="body"/> and it a multiple of 10.</summary>
    public static char LuhnDigit(string body)
    {
        var digits = Digits(body).ToList();
        var sum = 0;
        for (var i = 0; i < digits.Count; i++)
        {
            // From the right, every second digit of the body is doubled (the check digit takes position 0).
            var digit = digits[digits.Count - 1 - i];
            if (i % 2 == 0)
            {
                digit *= 2;
                digit = digit > 9 ? digit - 9 : digit;
            }

            sum += digit;
        }

        return (char)('0' + (10 - sum % 10) % 10);
    }

    private static IEnumerable<int> Digits(string body)
    {
        foreach (var c in body)
        {
            if (char.IsAsciiDigit(c))
            {
                yield return c - '0';
            }
            else
            {
                var value = c - 'A' + 10;
                yield return value / 10;
                yield return value % 10;
            }
        }
    }
}
