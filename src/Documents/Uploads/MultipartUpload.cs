using EfaPlatform.Documents.Storage;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace EfaPlatform.Documents.Uploads;

/// <summary>The one file part of a <c>multipart/form-data</c> upload, read as a stream like a plain body.</summary>
/// <param name="FileName">The name the part's Content-Disposition gives (filename* before filename), not yet cleaned.</param>
public sealed record MultipartFile(Stream Content, string? FileName, MultipartReader Reader);

/// <summary>The client's form data could not be used; the message says why and is safe to show (it quotes nothing sent).</summary>
public sealed class FormDataException(string message) : Exception(message);

/// <summary>
/// Browsers' form uploads: the first part with a file name is the file; text fields around it (at most
/// <see cref="MaxFieldParts"/> of at most <see cref="MaxFieldBytes"/>) are skipped, and a second file is refused, so a
/// careless client never has one file stored while thinking it sent several. Every fault of the form's reading is a
/// <see cref="FormDataException"/>; faults of the disk the file is written to are not.
/// </summary>
public static class MultipartUpload
{
    public const int MaxFieldParts = 8;
    public const int MaxFieldBytes = 64 * 1024;
    private const int MaxBoundaryLength = 70; // RFC 2046
    private const int MaxHeadersBytes = 8 * 1024;

    /// <summary>What a form may carry besides its file: its fields, every part's headers and the boundaries.</summary>
    public const long MaxOverheadBytes = (MaxFieldParts + 2) * (MaxFieldBytes + MaxHeadersBytes);

    public static bool IsMultipart(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
        && type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads up to the file part.</summary>
    /// <exception cref="FormDataException">The form is malformed, has too many or too long fields, or no file.</exception>
    public static async Task<MultipartFile> OpenFileAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var boundary = HeaderUtilities.RemoveQuotes(MediaTypeHeaderValue.Parse(request.ContentType).Boundary).Value;
        if (string.IsNullOrEmpty(boundary) || boundary.Length > MaxBoundaryLength)
        {
            throw new FormDataException($"The form data needs a boundary of 1 to {MaxBoundaryLength} characters.");
        }

        var reader = new MultipartReader(boundary, request.Body) { HeadersCountLimit = 8, HeadersLengthLimit = MaxHeadersBytes };
        for (var fields = 0; ; fields++)
        {
            var section = await NextSectionAsync(reader, cancellationToken)
                ?? throw new FormDataException("The form data has no file part (a part whose Content-Disposition names a filename).");
            if (FileNameOf(section) is { } fileName)
            {
                return new MultipartFile(new FormPartStream(section.Body), fileName, reader);
            }

            await SkipFieldAsync(section, fields, cancellationToken);
        }
    }

    /// <summary>Reads the rest of the form after its file.</summary>
    /// <exception cref="FormDataException">Another part names a file, or the rest is malformed or too long.</exception>
    public static async Task EnsureNoOtherFileAsync(MultipartFile file, CancellationToken cancellationToken)
    {
        for (var fields = 0; await NextSectionAsync(file.Reader, cancellationToken) is { } section; fields++)
        {
            if (FileNameOf(section) is not null)
            {
                throw new FormDataException("Send one file per upload: the form data has a second file part.");
            }

            await SkipFieldAsync(section, fields, cancellationToken);
        }
    }

    private static async Task<MultipartSection?> NextSectionAsync(MultipartReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadNextSectionAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or InvalidDataException)
        {
            throw Malformed(exception);
        }
    }

    private static string? FileNameOf(MultipartSection section)
    {
        if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.IsFileDisposition())
        {
            return null;
        }

        return HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value ?? "";
    }

    private static async Task SkipFieldAsync(MultipartSection section, int fieldsBefore, CancellationToken cancellationToken)
    {
        if (fieldsBefore >= MaxFieldParts)
        {
            throw new FormDataException($"The form data may have at most {MaxFieldParts} fields besides its file.");
        }

        var buffer = new byte[8192];
        long length = 0;
        int read;
        await using var body = new FormPartStream(section.Body);
        while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            length += read;
            if (length > MaxFieldBytes)
            {
                throw new FormDataException($"A form field may have at most {MaxFieldBytes} bytes.");
            }
        }
    }

    private static FormDataException Malformed(Exception exception) => new(exception is InvalidDataException
        ? "The form data is malformed: a part's headers could not be read or are too long."
        : "The form data ended before its closing boundary.");

    /// <summary>A part's body whose reading faults (the form's, not the disk's) are <see cref="FormDataException"/>s.</summary>
    private sealed class FormPartStream(Stream part) : ReadOnlyStream
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                return await part.ReadAsync(buffer, cancellationToken);
            }
            catch (Exception exception) when (exception is IOException or InvalidDataException)
            {
                throw Malformed(exception);
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Read asynchronously.");
    }
}
