using EfaPlatform.Contracts.Documents.V1;
using Grpc.Core;
using Grpc.Net.ClientFactory;

namespace EfaPlatform.Forms.Submissions;

/// <summary>
/// The documents service, over gRPC through service discovery. The call carries the citizen's own access token, so
/// documents decides by the token whose documents they are; forms never vouches for a citizen itself.
/// </summary>
public sealed class DocumentsAttachmentDirectory(GrpcClientFactory clients, IHttpContextAccessor request) : IAttachmentDirectory
{
    public const string ServiceName = "documents";

    public async Task<IReadOnlyList<AttachmentFault>> HoldAsync(
        Guid submissionId, Guid tenantId, IReadOnlyList<AttachmentToHold> attachments, CancellationToken cancellationToken)
    {
        if (attachments.Count == 0)
        {
            return [];
        }

        var reserve = new ReserveAttachmentsRequest { SubmissionId = submissionId.ToString(), TenantId = tenantId.ToString() };
        reserve.Attachments.AddRange(attachments.Select(a => new AttachmentCheck
        {
            FieldPath = a.Reference.FieldPath, DocumentId = a.Reference.DocumentId.ToString(), MediaTypes = { a.MediaTypes }, MaxBytes = a.MaxBytes,
        }));
        var headers = new Metadata { { "authorization", request.HttpContext?.Request.Headers.Authorization.ToString() ?? "" } };
        var documents = clients.CreateClient<DocumentsService.DocumentsServiceClient>(nameof(DocumentsService.DocumentsServiceClient));
        var response = await documents.ReserveAttachmentsAsync(reserve, headers, deadline: DateTime.UtcNow.AddSeconds(15), cancellationToken: cancellationToken);
        return response.Problems.Select(p => new AttachmentFault(p.FieldPath, p.Reason, p.Code)).ToList();
    }
}
