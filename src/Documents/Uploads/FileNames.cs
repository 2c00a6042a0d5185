using System.Text;

namespace EfaPlatform.Documents.Uploads;

/// <summary>
/// A file name as a person gave it, made harmless to keep and show: only its last path segment, no control, format or
/// directory characters, no Windows device names, no leading dots, at most 200 characters. It is metadata only; content
/// is stored under its hash.
/// </summary>
public static class FileNames
{
    public const int MaxLength = 200;

    private static readonly HashSet<string> ReservedNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    };

    /// <summary>The cleaned name; "document" when nothing usable is left.</summary>
    public static string Clean(string? given)
    {
        var name = (given ?? "").Replace('\\', '/');
        name = name[(name.LastIndexOf('/') + 1)..];
        var cleaned = new StringBuilder(name.Length);
        foreach (var rune in name.EnumerateRunes())
        {
            // Format characters too: a right-to-left override would show "rechnung\u202Efdp.exe" as "…exe.pdf".
            if (!Rune.IsControl(rune) && Rune.GetUnicodeCategory(rune) != System.Globalization.UnicodeCategory.Format && rune.Value is not ('<' or '>' or ':' or '"' or '|' or '?' or '*'))
            {
                cleaned.Append(rune.ToString());
            }
        }

        var result = cleaned.ToString().Trim().TrimStart('.').TrimEnd('.', ' ');
        if (result.Length > MaxLength)
        {
            var extension = WholeCharacters(Path.GetExtension(result), 20);
            result = WholeCharacters(result, MaxLength - extension.Length) + extension;
        }

        var stem = Path.GetFileNameWithoutExtension(result);
        return result.Length == 0 || ReservedNames.Contains(stem) ? "document" + Path.GetExtension(result) : result;
    }

    /// <summary>At most <paramref name="length"/> UTF-16 units, never half a surrogate pair (which PostgreSQL would refuse).</summary>
    private static string WholeCharacters(string text, int length) =>
        text.Length <= length ? text : text[..(char.IsHighSurrogate(text[length - 1]) ? length - 1 : length)];
}
