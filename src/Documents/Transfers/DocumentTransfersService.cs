using System.Globalization;
using EfaPlatform.Contracts.Documents.V1;
using EfaPlatform.Documents.Documents;
using EfaPlatform.Documents.Storage;
using EfaPlatform.Documents.Uploads;
using EfaPlatform.ServiceDefaults;
using EfaPlatform.ServiceDefaults.Auth;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace EfaPlatform.Documents.Transfers;

/// <summary>Uploads and downloads as gRPC streams: the same intake and the same readers as over HTTP.</summary>
public sealed class DocumentTransfersService(IBlobStore blobs, DocumentIntake intake, DocumentStore documents, IOptions<DocumentsOptions> options)
    : DocumentTransfers.DocumentTransfersBase
{
    private const int DownloadChunkBytes = 256 * 1024;

    [Authorize(Policy = DocumentReader.UploaderPolicy)]
    public override async Task<Document> UploadDocument(IAsyncStreamReader<UploadDocumentRequest> requestStream, ServerCallContext context)
    {
        var owner = DocumentReader.UploaderOf(context.GetHttpContext().User)
                    ?? throw new RpcException(new Status(StatusCode.PermissionDenied, DocumentReader.NotAnUploader));
        if (!await requestStream.MoveNext(context.CancellationToken) || requestStream.Current.PartCase != UploadDocumentRequest.PartOneofCase.Metadata)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "The first message of an upload names the file (metadata)."));
        }

        var metadata = requestStream.Current.Metadata;
        var limit = options.Value.MaxFileBytes;
        if (metadata.SizeBytes > limit)
        {
            throw TooLarge(limit);
        }

        StagedBlob staged;
        try
        {
            staged = await blobs.StageAsync(new GrpcChunkStream(requestStream), limit, context.CancellationToken);
        }
        catch (BlobTooLargeException)
        {
            throw TooLarge(limit);
        }

        var result = await intake.AcceptAsync(staged, owner, FileNames.Clean(metadata.FileName), context.CancellationToken);
        if (result.Refusal is { } refusal)
        {
            new FieldErrors().Add("file", refusal.Detail).ThrowIfAny();
        }

        return result.Document!.ToProto();
    }

    [Authorize]
    public override async Task DownloadDocument(DownloadDocumentRequest request, IServerStreamWriter<DownloadDocumentResponse> responseStream, ServerCallContext context)
    {
        var document = Guid.TryParse(request.DocumentId, out var id)
            ? await documents.FindReadableAsync(DocumentReader.Of(context.GetHttpContext().User), id, context.CancellationToken)
            : null;
        if (document is null)
        {
            throw FieldErrors.NotFound("The document");
        }

        if (document.Status != DocumentStatus.Clean)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, UploadEndpoints.NotServed(document)));
        }

        if (request.Offset < 0 || request.Length < 0 || request.Offset > document.SizeBytes)
        {
            throw new RpcException(new Status(StatusCode.OutOfRange,
                $"offset and length must lie within the document's {document.SizeBytes.ToString(CultureInfo.InvariantCulture)} bytes."));
        }

        await responseStream.WriteAsync(new DownloadDocumentResponse { Document = document.ToProto() }, context.CancellationToken);
        var remaining = request.Length == 0 ? document.SizeBytes - request.Offset : Math.Min(request.Length, document.SizeBytes - request.Offset);
        await using var content = blobs.OpenRead(document.Sha256);
        content.Position = request.Offset;
        var buffer = new byte[DownloadChunkBytes];
        while (remaining > 0)
        {
            var read = await content.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), context.CancellationToken);
            if (read == 0)
            {
                break;
            }

            await responseStream.WriteAsync(new DownloadDocumentResponse { Chunk = UnsafeByteOperations.UnsafeWrap(buffer.AsMemory(0, read)) }, context.CancellationToken);
            remaining -= read;
        }
    }

    private static RpcException TooLarge(long limit) =>
        new(new Status(StatusCode.ResourceExhausted, DocumentReader.TooLarge(limit)));
}
