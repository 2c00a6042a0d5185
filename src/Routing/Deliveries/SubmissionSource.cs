using EfaPlatform.Contracts.Documents.V1;
using EfaPlatform.Contracts.Forms.V1;
using Grpc.Core;

namespace EfaPlatform.Routing.Deliveries;

/// <summary>
/// What a delivery carries, read when it is made: the submission from forms and its attachments from documents, both
/// with routing's own token (role service). Attachments are streamed chunk by chunk, never held whole.
/// </summary>
public sealed class SubmissionSource(SubmissionsService.SubmissionsServiceClient forms, DocumentTransfers.DocumentTransfersClient transfers, DocumentsService.DocumentsServiceClient documents)
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    public async Task<Submission> SubmissionAsync(Guid submissionId, CancellationToken cancellationToken) =>
        await forms.GetSubmissionAsync(new GetSubmissionRequest { SubmissionId = submissionId.ToString() },
            deadline: DateTime.UtcNow.Add(CallTimeout), cancellationToken: cancellationToken);

    public async Task<Document> DocumentAsync(string documentId, CancellationToken cancellationToken) =>
        await documents.GetDocumentAsync(new GetDocumentRequest { DocumentId = documentId }, deadline: DateTime.UtcNow.Add(CallTimeout), cancellationToken: cancellationToken);

    /// <summary>The document's metadata, then its content in chunks to <paramref name="chunk"/>.</summary>
    public async Task<Document> StreamAsync(string documentId, Func<Document, Task> metadata, Func<ReadOnlyMemory<byte>, Task> chunk, CancellationToken cancellationToken)
    {
        using var call = transfers.DownloadDocument(new DownloadDocumentRequest { DocumentId = documentId }, deadline: DateTime.UtcNow.AddMinutes(10),
            cancellationToken: cancellationToken);
        Document? document = null;
        await foreach (var part in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            if (part.PartCase == DownloadDocumentResponse.PartOneofCase.Document)
            {
                document = part.Document;
                await metadata(document);
            }
            else if (document is not null)
            {
                await chunk(part.Chunk.Memory);
            }
        }

        return document ?? throw new RpcException(new Status(StatusCode.Unavailable, $"Documents sent no metadata for document {documentId}."));
    }
}
