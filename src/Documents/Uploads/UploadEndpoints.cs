using System.Globalization;
using EfaPlatform.Documents.Documents;
using EfaPlatform.Documents.Storage;
using EfaPlatform.ServiceDefaults;
using EfaPlatform.ServiceDefaults.Auth;
using EfaPlatform.ServiceDefaults.OpenApi;
using Google.Protobuf;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace EfaPlatform.Documents.Uploads;

/// <summary>
/// Plain HTTP for files, where JSON transcoding does not fit: <c>POST /api/documents/v1/uploads?fileName=…</c> with the
/// file as the body or as the file part of <c>multipart/form-data</c> (streamed to disk, never held in memory), and
/// <c>GET …/documents/{id}/content</c> with Range, ETag and a Content-Disposition that is safe for any name. Who uploads
/// is <see cref="DocumentReader.UploaderPolicy"/>, who downloads <see cref="DocumentReader"/>'s rule.
/// </summary>
public static class UploadEndpoints
{
    public const string UploadPath = "/api/documents/v1/uploads";

    public static void MapUploadEndpoints(this WebApplication app)
    {
        app.MapPost(UploadPath, UploadAsync).RequireAuthorization(DocumentReader.UploaderPolicy).WithMetadata(new RawRequestBody()).DisableRequestTimeout()
            .WithHttpOperation(FileOperations.Upload);
        app.MapGet("/api/documents/v1/documents/{documentId}/content", DownloadAsync).RequireAuthorization().WithHttpOperation(FileOperations.Download);
    }

    private static async Task UploadAsync(HttpContext context, IBlobStore blobs, DocumentIntake intake, IOptions<DocumentsOptions> options)
    {
        if (DocumentReader.UploaderOf(context.User) is not { } owner)
        {
            await RestRequestGuard.WriteProblemAsync(context, StatusCodes.Status403Forbidden, DocumentReader.NotAnUploader);
            return;
        }

        var limit = options.Value.MaxFileBytes;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            // IBlobStore.StageAsync stops at the limit itself and the answer is a problem document; Kestrel's own limit
            // would end the request with its own error first.
            bodyLimit.MaxRequestBodySize = null;
        }

        var isForm = MultipartUpload.IsMultipart(context.Request);
        if (context.Request.ContentLength > limit + (isForm ? MultipartUpload.MaxOverheadBytes : 0))
        {
            await TooLargeAsync(context, limit);
            return;
        }

        StagedBlob staged;
        var fileName = context.Request.Query["fileName"] is [{ Length: > 0 } given] ? given : null;
        try
        {
            var form = isForm ? await MultipartUpload.OpenFileAsync(context.Request, context.RequestAborted) : null;
            fileName ??= form?.FileName;
            staged = await blobs.StageAsync(form?.Content ?? context.Request.Body, limit, context.RequestAborted);
            if (form is not null)
            {
                await EnsureNoOtherFileAsync(form, staged, blobs, context.RequestAborted);
            }
        }
        catch (BlobTooLargeException)
        {
            await TooLargeAsync(context, limit);
            return;
        }
        catch (FormDataException exception)
        {
            await RestRequestGuard.WriteProblemAsync(context, StatusCodes.Status400BadRequest, exception.Message, "file");
            return;
        }

        var result = await intake.AcceptAsync(staged, owner, FileNames.Clean(fileName), context.RequestAborted);
        if (result.Refusal is { } refusal)
        {
            await RestRequestGuard.WriteProblemAsync(context, StatusOf(refusal.Reason), refusal.Detail, "file");
            return;
        }

        var document = result.Document!;
        context.Response.StatusCode = StatusCodes.Status201Created;
        context.Response.Headers.Location = $"/api/documents/v1/documents/{document.Id}";
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonFormatter.Default.Format(document.ToProto()), context.RequestAborted);
    }

    private static async Task EnsureNoOtherFileAsync(MultipartFile form, StagedBlob staged, IBlobStore blobs, CancellationToken cancellationToken)
    {
        try
        {
            await MultipartUpload.EnsureNoOtherFileAsync(form, cancellationToken);
        }
        catch
        {
            blobs.Discard(staged);
            throw;
        }
    }

    public static int StatusOf(RefusalReason reason) => reason switch
    {
        RefusalReason.Empty => StatusCodes.Status400BadRequest,
        RefusalReason.MediaType => StatusCodes.Status415UnsupportedMediaType,
        _ => StatusCodes.Status422UnprocessableEntity,
    };

    public static string NotServed(StoredDocument document) => document.Status switch
    {
        DocumentStatus.PendingScan => "The document has not been scanned for malware yet; try again shortly.",
        DocumentStatus.Infected => $"The document contains malware ({document.Threat}) and is quarantined.",
        _ => $"The document could not be scanned for malware ({document.Threat}) and is not served.",
    };

    private static Task TooLargeAsync(HttpContext context, long limit) =>
        RestRequestGuard.WriteProblemAsync(context, StatusCodes.Status413PayloadTooLarge,
            DocumentReader.TooLarge(limit), "file");

    private static async Task<IResult> DownloadAsync(string documentId, HttpContext context, IBlobStore blobs, DocumentStore documents)
    {
        var document = Guid.TryParse(documentId, out var id)
            ? await documents.FindReadableAsync(DocumentReader.Of(context.User), id, context.RequestAborted)
            : null;
        if (document is null)
        {
            await RestRequestGuard.WriteProblemAsync(context, StatusCodes.Status404NotFound, "The document was not found.");
            return Results.Empty;
        }

        if (document.Status != DocumentStatus.Clean)
        {
            await RestRequestGuard.WriteProblemAsync(context, StatusCodes.Status409Conflict, NotServed(document));
            return Results.Empty;
        }

        // Content never changes under a document id, so its hash is a strong ETag; Results.File answers Range (206, 416)
        // and If-None-Match (304), and writes the name as filename* (RFC 6266), safe for any characters.
        return Results.File(blobs.OpenRead(document.Sha256), document.MediaType, document.FileName,
            entityTag: new EntityTagHeaderValue($"\"{document.Sha256}\""), enableRangeProcessing: true);
    }
}
