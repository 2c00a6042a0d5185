using System.Globalization;
using System.Text;
using EfaPlatform.Documents.Documents;
using EfaPlatform.Documents.Storage;
using EfaPlatform.ServiceDefaults;
using EfaPlatform.ServiceDefaults.Auth;
using EfaPlatform.ServiceDefaults.OpenApi;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace EfaPlatform.Documents.Uploads;

/// <summary>
/// Resumable uploads after tus 1.0 (core, creation, expiration, termination): POST with Upload-Length creates one,
/// HEAD tells the offset received, PATCH with Upload-Offset appends (409 when the offset is not the server's), and the
/// PATCH that reaches the length completes it into a document (the header Efa-Document-Location names it). A request
/// that breaks off keeps what arrived; an unfinished upload expires <see cref="DocumentsOptions.ResumableUploadLifetime"/>
/// after its last PATCH.
/// </summary>
public static class ResumableUploadEndpoints
{
    public const string Path = "/api/documents/v1/resumable-uploads";
    public const string TusVersion = "1.0.0";
    private const string OffsetContentType = "application/offset+octet-stream";

    public static void MapResumableUploadEndpoints(this WebApplication app)
    {
        var uploads = app.MapGroup(Path).RequireAuthorization(DocumentReader.UploaderPolicy).WithMetadata(new RawRequestBody());
        app.MapMethods(Path, ["OPTIONS"], Options).AllowAnonymous().WithHttpOperation(FileOperations.TusOptions);
        uploads.MapPost("", CreateAsync).WithHttpOperation(FileOperations.TusCreate);
        uploads.MapMethods("{uploadId}", ["HEAD"], HeadAsync).WithHttpOperation(FileOperations.TusHead);
        uploads.MapPatch("{uploadId}", AppendAsync).DisableRequestTimeout().WithHttpOperation(FileOperations.TusAppend);
        uploads.MapDelete("{uploadId}", TerminateAsync).WithHttpOperation(FileOperations.TusTerminate);
    }

    private static void Options(HttpContext context, IOptions<DocumentsOptions> options)
    {
        context.Response.Headers["Tus-Version"] = TusVersion;
        context.Response.Headers["Tus-Extension"] = "creation,expiration,termination";
        context.Response.Headers["Tus-Max-Size"] = options.Value.MaxFileBytes.ToString(CultureInfo.InvariantCulture);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private static async Task CreateAsync(HttpContext context, ResumableUploadStore uploads, IOptions<DocumentsOptions> options, TimeProvider clock)
    {
        if (!await TusHeaderAsync(context))
        {
            return;
        }

        if (DocumentReader.UploaderOf(context.User) is not { } documentOwner)
        {
            await ProblemAsync(context, StatusCodes.Status403Forbidden, DocumentReader.NotAnUploader);
            return;
        }

        var limit = options.Value.MaxFileBytes;
        if (!long.TryParse(context.Request.Headers["Upload-Length"], NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            await ProblemAsync(context, StatusCodes.Status400BadRequest, "Upload-Length must give the file's size in bytes (deferred lengths are not supported).", "Upload-Length");
            return;
        }

        if (length > limit)
        {
            await ProblemAsync(context, StatusCodes.Status413PayloadTooLarge, DocumentReader.TooLarge(limit), "Upload-Length");
            return;
        }

        if (FileNameOf(context.Request.Headers["Upload-Metadata"]) is not { } fileName)
        {
            await ProblemAsync(context, StatusCodes.Status400BadRequest, "Upload-Metadata must be comma-separated keys with base64 values, such as \"filename ZG9rLnBkZg==\".", "Upload-Metadata");
            return;
        }

        var now = clock.GetUtcNow();
        var upload = new ResumableUpload(Guid.CreateVersion7(), context.User.SubjectId()!, FileNames.Clean(fileName), length, 0, now, now + options.Value.ResumableUploadLifetime, null, documentOwner);
        var maxUnfinished = options.Value.MaxUnfinishedUploads;
        if (!await uploads.CreateAsync(upload, maxUnfinished, context.RequestAborted))
        {
            await ProblemAsync(context, StatusCodes.Status409Conflict, $"You have {maxUnfinished} unfinished uploads; finish or delete one first.");
            return;
        }

        context.Response.StatusCode = StatusCodes.Status201Created;
        context.Response.Headers.Location = $"{Path}/{upload.Id}";
        WriteState(context, upload);
    }

    private static async Task HeadAsync(string uploadId, HttpContext context, ResumableUploadStore uploads, TimeProvider clock)
    {
        var upload = await FindAsync(uploadId, context, uploads, clock);
        if (upload is not null)
        {
            context.Response.Headers.CacheControl = "no-store";
            WriteState(context, upload);
        }
    }

    private static async Task AppendAsync(string uploadId, HttpContext context, ResumableUploadStore uploads, IBlobStore blobs, DocumentIntake intake,
        IOptions<DocumentsOptions> options, TimeProvider clock)
    {
        if (!await TusHeaderAsync(context) || await FindAsync(uploadId, context, uploads, clock) is not { } found)
        {
            return;
        }

        if (!string.Equals(context.Request.ContentType, OffsetContentType, StringComparison.OrdinalIgnoreCase))
        {
            await ProblemAsync(context, StatusCodes.Status415UnsupportedMediaType, $"A PATCH carries Content-Type {OffsetContentType}.", "Content-Type");
            return;
        }

        if (!long.TryParse(context.Request.Headers["Upload-Offset"], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            await ProblemAsync(context, StatusCodes.Status400BadRequest, "Upload-Offset must give the offset in bytes (HEAD tells it).", "Upload-Offset");
            return;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = null; // the rest of the upload's length is this request's limit
        }

        var connection = await uploads.TryLockAsync(found.Id, context.RequestAborted);
        if (connection is null)
        {
            await ProblemAsync(context, StatusCodes.Status409Conflict, "Another request is appending to this upload right now.");
            return;
        }

        try
        {
            // Read again under the lock: the offset may have moved while this request waited.
            var upload = (await uploads.FindOwnAsync(found.OwnerSubject, found.Id, CancellationToken.None))!;
            await ContinueAsync(context, upload, offset, uploads, blobs, intake, clock, options.Value.ResumableUploadLifetime);
        }
        finally
        {
            await ResumableUploadStore.UnlockAsync(connection, found.Id);
        }
    }

    private static async Task ContinueAsync(
        HttpContext context, ResumableUpload upload, long offset, ResumableUploadStore uploads, IBlobStore blobs, DocumentIntake intake, TimeProvider clock,
        TimeSpan lifetime)
    {
        if (offset != upload.Offset || upload.DocumentId is not null)
        {
            await ProblemAsync(context, StatusCodes.Status409Conflict,
                upload.DocumentId is null ? $"The upload is at offset {upload.Offset.ToString(CultureInfo.InvariantCulture)}; send the bytes from there." : "The upload is complete.",
                "Upload-Offset");
            return;
        }

        long appended;
        try
        {
            appended = await blobs.AppendAsync(upload.Id, offset, context.Request.Body, upload.Length - offset, context.RequestAborted);
        }
        catch (BlobTooLargeException)
        {
            await ProblemAsync(context, StatusCodes.Status413PayloadTooLarge,
                $"The upload has {upload.Length.ToString(CultureInfo.InvariantCulture)} bytes; this request sent more than the {(upload.Length - offset).ToString(CultureInfo.InvariantCulture)} missing.");
            return;
        }

        var now = clock.GetUtcNow();
        upload = upload with { Offset = offset + appended, ExpiresAt = now + lifetime };
        await uploads.SetOffsetAsync(upload.Id, upload.Offset, upload.ExpiresAt);
        if (upload.Offset == upload.Length && !context.RequestAborted.IsCancellationRequested)
        {
            var staged = await blobs.StageUploadAsync(upload.Id, upload.Length, CancellationToken.None);
            var result = await intake.AcceptAsync(staged, upload.DocumentOwner, upload.FileName, CancellationToken.None);
            if (result.Refusal is { } refusal)
            {
                await uploads.DeleteAsync(upload.Id);
                await ProblemAsync(context, UploadEndpoints.StatusOf(refusal.Reason), refusal.Detail, "file");
                return;
            }

            await uploads.CompleteAsync(upload.Id, result.Document!.Id);
            upload = upload with { DocumentId = result.Document.Id };
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
        WriteState(context, upload);
    }

    private static async Task TerminateAsync(string uploadId, HttpContext context, ResumableUploadStore uploads, IBlobStore blobs, TimeProvider clock)
    {
        if (!await TusHeaderAsync(context) || await FindAsync(uploadId, context, uploads, clock) is not { } upload)
        {
            return;
        }

        await uploads.DeleteAsync(upload.Id);
        blobs.DeleteUpload(upload.Id);
        context.Response.Headers["Tus-Resumable"] = TusVersion;
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private static async Task<ResumableUpload?> FindAsync(string uploadId, HttpContext context, ResumableUploadStore uploads, TimeProvider clock)
    {
        var upload = Guid.TryParse(uploadId, out var id) ? await uploads.FindOwnAsync(context.User.SubjectId()!, id, context.RequestAborted) : null;
        if (upload is null)
        {
            await ProblemAsync(context, StatusCodes.Status404NotFound, "The upload was not found.");
            return null;
        }

        if (upload.DocumentId is null && upload.ExpiresAt <= clock.GetUtcNow())
        {
            await ProblemAsync(context, StatusCodes.Status410Gone, "The upload expired; start a new one.");
            return null;
        }

        return upload;
    }

    private static void WriteState(HttpContext context, ResumableUpload upload)
    {
        var headers = context.Response.Headers;
        headers["Tus-Resumable"] = TusVersion;
        headers["Upload-Offset"] = upload.Offset.ToString(CultureInfo.InvariantCulture);
        headers["Upload-Length"] = upload.Length.ToString(CultureInfo.InvariantCulture);
        headers["Upload-Expires"] = upload.ExpiresAt.ToString("R", CultureInfo.InvariantCulture);
        if (upload.DocumentId is { } documentId)
        {
            headers["Efa-Document-Location"] = $"/api/documents/v1/documents/{documentId}";
        }
    }

    /// <summary>tus: a request without the version the server speaks gets 412 and the versions it does speak.</summary>
    private static async Task<bool> TusHeaderAsync(HttpContext context)
    {
        if (context.Request.Headers["Tus-Resumable"] == TusVersion)
        {
            return true;
        }

        context.Response.Headers["Tus-Version"] = TusVersion;
        await ProblemAsync(context, StatusCodes.Status412PreconditionFailed, $"Send Tus-Resumable: {TusVersion}.", "Tus-Resumable");
        return false;
    }

    private static Task ProblemAsync(HttpContext context, int status, string detail, string? field = null)
    {
        context.Response.Headers["Tus-Resumable"] = TusVersion;
        return RestRequestGuard.WriteProblemAsync(context, status, detail, field);
    }

    /// <summary>The "filename" (or "name") of tus metadata: "key base64value" pairs separated by commas; null when malformed.</summary>
    public static string? FileNameOf(string? metadata)
    {
        var fileName = "";
        foreach (var pair in (metadata ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split(' ', 2);
            var value = "";
            if (parts.Length == 2)
            {
                var bytes = new byte[parts[1].Length];
                if (!Convert.TryFromBase64String(parts[1], bytes, out var written))
                {
                    return null;
                }

                value = Encoding.UTF8.GetString(bytes, 0, written);
            }

            if (parts[0] is "filename" or "name")
            {
                fileName = value;
            }
        }

        return fileName;
    }
}
