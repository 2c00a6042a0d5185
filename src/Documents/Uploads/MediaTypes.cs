namespace EfaPlatform.Documents.Uploads;

/// <summary>
/// What a file is, from its first bytes (magic numbers), never from its name or the client's Content-Type; and the
/// media type a file name's extension claims, to refuse a file whose name says otherwise (a PDF named .png).
/// </summary>
public static class MediaTypes
{
    public const string Pdf = "application/pdf";
    public const string Png = "image/png";
    public const string Jpeg = "image/jpeg";

    /// <summary>The media types the platform accepts at all; an online service may allow fewer.</summary>
    public static readonly IReadOnlyList<string> Accepted = [Pdf, Png, Jpeg];

    private static readonly (byte[] Magic, string MediaType)[] Signatures =
    [
        ("%PDF-"u8.ToArray(), Pdf),
        ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], Png),
        ([0xFF, 0xD8, 0xFF], Jpeg),
        ([0x7F, 0x45, 0x4C, 0x46], "application/x-executable"), // ELF
        ("MZ"u8.ToArray(), "application/x-msdownload"), // Windows executables
        ("PK\u0003\u0004"u8.ToArray(), "application/zip"),
    ];

    private static readonly Dictionary<string, string> Extensions = new(StringComparer.OrdinalIgnoreCase)
    {
        [".pdf"] = Pdf, [".png"] = Png, [".jpg"] = Jpeg, [".jpeg"] = Jpeg,
        [".exe"] = "application/x-msdownload", [".zip"] = "application/zip",
    };

    /// <summary>The detected media type, or null when the content matches no known signature.</summary>
    public static string? Detect(ReadOnlySpan<byte> head)
    {
        foreach (var (magic, mediaType) in Signatures)
        {
            if (head.StartsWith(magic))
            {
                return mediaType;
            }
        }

        return null;
    }

    /// <summary>The media type the name's extension stands for, or null for an extension that says nothing known.</summary>
    public static string? ClaimedBy(string fileName) => Extensions.GetValueOrDefault(Path.GetExtension(fileName));
}
