using System.Globalization;
using EfaPlatform.Contracts.Documents.V1;
using EfaPlatform.ServiceDefaults;
using EfaPlatform.ServiceDefaults.Auth;
using EfaPlatform.Documents.Attachments;
using EfaPlatform.Documents.Retention;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace EfaPlatform.Documents.Documents;

/// <summary>
/// A citizen's or organisation's own documents: describe, list, delete, hold for a submission. Attached documents are
/// described to those who may read them too (<see cref="DocumentReader"/>). A document nobody lets the caller see is
/// "not found", whether it exists or not.
/// </summary>
public sealed class DocumentsService(
    DocumentStore documents, AttachmentStore attachments, RetentionStore retention, IOptions<DocumentsOptions> options, TimeProvider clock)
    : Contracts.Documents.V1.DocumentsService.DocumentsServiceBase
{
    private const string Owners = EfaPolicies.RolePrefix + EfaClaims.Citizen + "," + EfaClaims.Organisation;
    private const int MaxAttachments = 100;

    [Authorize]
    public override async Task<Document> GetDocument(GetDocumentRequest request, ServerCallContext context) =>
        (await documents.FindReadableAsync(DocumentReader.Of(context.GetHttpContext().User), DocumentId(request.DocumentId), context.CancellationToken)
         ?? throw FieldErrors.NotFound("The document")).ToProto();

    [Authorize(Policy = Owners)]
    public override async Task<ListMyDocumentsResponse> ListMyDocuments(ListMyDocumentsRequest request, ServerCallContext context)
    {
        var owner = Owner(context);
        var errors = new FieldErrors();
        var (pageSize, after) = Paging.Read(request.PageSize, request.PageToken, "documents", errors);
        var position = after is null ? null : Position.Parse(after);
        if (after is not null && position is null)
        {
            errors.Add("page_token", "must be the next_page_token of an earlier page");
        }

        errors.ThrowIfAny();
        var fetched = await documents.ListOwnAsync(owner, position?.CreatedAt, position?.Id ?? Guid.Empty, pageSize + 1, context.CancellationToken);
        var (page, next) = Paging.Page(fetched, pageSize, "documents", d => new Position(d.CreatedAt, d.Id).ToString());
        var response = new ListMyDocumentsResponse { NextPageToken = next };
        response.Documents.AddRange(page.Select(d => d.ToProto()));
        return response;
    }

    [Authorize(Policy = Owners)]
    public override async Task<Document> DeleteDocument(DeleteDocumentRequest request, ServerCallContext context)
    {
        // Only the row goes: the same content may be uploaded again at this moment under another document, so content
        // no row refers to any more is removed by a sweeper (with a grace period), never here.
        var id = DocumentId(request.DocumentId);
        var deleted = await documents.DeleteOwnIfNothingKeepsAsync(Owner(context), id, context.CancellationToken);
        if (deleted is null)
        {
            _ = await documents.FindOwnAsync(Owner(context), id, context.CancellationToken) ?? throw FieldErrors.NotFound("The document");
            throw new RpcException(new Status(StatusCode.FailedPrecondition,
                "The document is attached to a submission (or held for one being submitted) and can no longer be deleted."));
        }

        return deleted.ToProto();
    }

    [Authorize(Policy = Owners)]
    public override async Task<ReserveAttachmentsResponse> ReserveAttachments(ReserveAttachmentsRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        if (!Guid.TryParse(request.SubmissionId, out var submissionId))
        {
            errors.Add("submission_id", "must be a UUID");
        }

        if (!Guid.TryParse(request.TenantId, out var tenantId))
        {
            errors.Add("tenant_id", "must be a tenant id");
        }

        if (request.Attachments.Count > MaxAttachments)
        {
            errors.Add("attachments", $"may hold at most {MaxAttachments} documents");
        }

        errors.ThrowIfAny();
        // A malformed id names no document (Guid.Empty is never one), so it is reported with every other problem.
        var checks = request.Attachments.Select(check => (check, Guid.TryParse(check.DocumentId, out var id) ? id : Guid.Empty)).ToList();
        var response = new ReserveAttachmentsResponse();
        response.Problems.AddRange(await attachments.ReserveAsync(Owner(context), submissionId, tenantId, checks, options.Value.MaxFileBytes,
            clock.GetUtcNow() + options.Value.ReservationPeriod, context.CancellationToken));
        return response;
    }

    [Authorize(Policy = Owners)]
    public override Task<EraseMyDocumentsResponse> EraseMyDocuments(EraseMyDocumentsRequest request, ServerCallContext context) =>
        Retention.RetentionService.EraseAsync(retention, Owner(context), (int)Math.Ceiling(options.Value.AttachedRetention.TotalDays),
            options.Value.ReservationPeriod, clock.GetUtcNow(),
            context.CancellationToken);

    private static string Owner(ServerCallContext context) =>
        context.GetHttpContext().User.SubjectId() ?? throw new RpcException(new Status(StatusCode.Unauthenticated, "No subject in the token."));

    private static Guid DocumentId(string value) =>
        Guid.TryParse(value, out var id) ? id : throw FieldErrors.NotFound("The document");

    private sealed record Position(DateTimeOffset CreatedAt, Guid Id)
    {
        public override string ToString() => $"{CreatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}.{Id:N}";

        public static Position? Parse(string text)
        {
            var parts = text.Split('.');
            return parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                   && ticks is > 0 and < 3_155_378_975_999_999_999 && Guid.TryParseExact(parts[1], "N", out var id)
                ? new Position(new DateTimeOffset(ticks, TimeSpan.Zero), id)
                : null;
        }
    }
}
