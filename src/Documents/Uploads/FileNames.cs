using System.Text;

namespace EfaPlatform.Documents.Uploads;

/// <summary>
/// A file name as a person gave it, made harmless to keep and show: only its last path segment, no control or
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
            if (!Rune.IsControl(rune) && rune.Value is not ('<' or '>' or ':' or '"' or '|' or '?' or '*'))
            {
                cleaned.Append(rune.ToString());
            }
        }

        var result = cleaned.ToString().Trim().TrimStart('.').TrimEnd('.', ' ');
        if (result.Length > MaxLength)
        {
            var extension = Path.GetExtension(result);
            result = result[..(MaxLength - Math.Min(extension.Length, 20))] + extension[..Math.Min(extension.Length, 20)];
        }

        var stem = Path.GetFileNameWithoutExtension(result);
        return result.Length == 0 || ReservedNames.Contains(stem) ? "document" + Path.GetExtension(result) : result;
    }
}
