using System.Globalization;
using EfaPlatform.Contracts.Documents.V1;
using EfaPlatform.ServiceDefaults;
using EfaPlatform.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace EfaPlatform.Documents.Documents;

/// <summary>A citizen's or organisation's own documents: describe, list, delete. Another person's document is "not found".</summary>
[Authorize(Policy = EfaPolicies.RolePrefix + EfaClaims.Citizen + "," + EfaClaims.Organisation)]
public sealed class DocumentsService(DocumentStore documents) : Contracts.Documents.V1.DocumentsService.DocumentsServiceBase
{
    public override async Task<Document> GetDocument(GetDocumentRequest request, ServerCallContext context) =>
        (await documents.FindOwnAsync(Owner(context), DocumentId(request.DocumentId), context.CancellationToken) ?? throw FieldErrors.NotFound("The document")).ToProto();

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

    public override async Task<Document> DeleteDocument(DeleteDocumentRequest request, ServerCallContext context)
    {
        // Only the row goes: the same content may be uploaded again at this moment under another document, so content
        // no row refers to any more is removed by a sweeper (with a grace period), never here.
        var deleted = await documents.DeleteOwnAsync(Owner(context), DocumentId(request.DocumentId), context.CancellationToken)
            ?? throw FieldErrors.NotFound("The document");
        return deleted.ToProto();
    }

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
