using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace EfaPlatform.Documents.Uploads;

/// <summary>The one file part of a <c>multipart/form-data</c> upload, read as a stream like a plain body.</summary>
/// <param name="FileName">The name the part's Content-Disposition gives (filename* before filename), not yet cleaned.</param>
public sealed record MultipartFile(Stream Content, string? FileName, MultipartReader Reader);

/// <summary>
/// Browsers' form uploads: the first part with a file name is the file; text fields before it (at most
/// <see cref="MaxFieldParts"/> of at most <see cref="MaxFieldBytes"/>) are skipped, and a second file is refused, so a
/// careless client never has one file stored while thinking it sent several.
/// </summary>
public static class MultipartUpload
{
    public const int MaxFieldParts = 8;
    public const int MaxFieldBytes = 64 * 1024;
    private const int MaxBoundaryLength = 70; // RFC 2046
    private const int MaxHeadersBytes = 8 * 1024;

    /// <summary>What a form may carry besides its file: its fields, every part's headers and the boundaries.</summary>
    public const long MaxOverheadBytes = (MaxFieldParts + 2) * (MaxFieldBytes + MaxHeadersBytes);

    /// <summary>What the client is told about a form that could not be read.</summary>
    public static string Describe(Exception exception) => exception is InvalidDataException
        ? exception.Message
        : "The form data ended before its closing boundary.";

    public static bool IsMultipart(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
        && type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads up to the file part; a malformed or file-less form is a problem for the client (field <c>file</c>).</summary>
    /// <exception cref="InvalidDataException">The form is malformed, has too many or too long fields, or no file.</exception>
    public static async Task<MultipartFile> OpenFileAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var boundary = MediaTypeHeaderValue.Parse(request.ContentType).Boundary;
        var boundaryText = HeaderUtilities.RemoveQuotes(boundary).Value;
        if (string.IsNullOrEmpty(boundaryText) || boundaryText.Length > MaxBoundaryLength)
        {
            throw new InvalidDataException($"The form data needs a boundary of 1 to {MaxBoundaryLength} characters.");
        }

        var reader = new MultipartReader(boundaryText, request.Body) { HeadersCountLimit = 8, HeadersLengthLimit = MaxHeadersBytes };
        for (var part = 0; part <= MaxFieldParts; part++)
        {
            var section = await reader.ReadNextSectionAsync(cancellationToken)
                ?? throw new InvalidDataException("The form data has no file part (a part whose Content-Disposition names a filename).");
            if (FileNameOf(section) is { } fileName)
            {
                return new MultipartFile(section.Body, fileName, reader);
            }

            await SkipFieldAsync(section, cancellationToken);
        }

        throw new InvalidDataException($"The form data has more than {MaxFieldParts} fields before its file.");
    }

    /// <summary>Refuses a form with a second file after the one read; other fields after it are ignored.</summary>
    /// <exception cref="InvalidDataException">Another part names a file.</exception>
    public static async Task EnsureNoOtherFileAsync(MultipartFile file, CancellationToken cancellationToken)
    {
        for (var part = 0; part <= MaxFieldParts && await file.Reader.ReadNextSectionAsync(cancellationToken) is { } section; part++)
        {
            if (FileNameOf(section) is not null)
            {
                throw new InvalidDataException("Send one file per upload: the form data has a second file part.");
            }

            await SkipFieldAsync(section, cancellationToken);
        }
    }

    private static string? FileNameOf(MultipartSection section)
    {
        if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.IsFileDisposition())
        {
            return null;
        }

        var name = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
        return name ?? string.Empty;
    }

    private static async Task SkipFieldAsync(MultipartSection section, CancellationToken cancellationToken)
    {
        var buffer = new byte[8192];
        long length = 0;
        int read;
        while ((read = await section.Body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            length += read;
            if (length > MaxFieldBytes)
            {
                throw new InvalidDataException($"A form field before the file may have at most {MaxFieldBytes} bytes.");
            }
        }
    }
}
