using System.Globalization;
using EfaPlatform.Contracts.Documents.V1;
using EfaPlatform.Documents.Documents;
using EfaPlatform.ServiceDefaults;
using EfaPlatform.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace EfaPlatform.Documents.Mailbox;

/// <summary>
/// The mailbox: a municipality's staff and machine clients send messages with the documents it issues to the citizens
/// of its submissions; citizens and organisations read their own. Another person's message is "not found".
/// </summary>
public sealed class MailboxService(MailboxStore mailbox, DocumentStore documents, TimeProvider clock) : Contracts.Documents.V1.MailboxService.MailboxServiceBase
{
    private const string Senders = EfaPolicies.RolePrefix + EfaClaims.Caseworker + "," + EfaClaims.TenantAdmin + "," + EfaClaims.MachineClient;
    private const string Recipients = EfaPolicies.RolePrefix + EfaClaims.Citizen + "," + EfaClaims.Organisation;
    private const int MaxDocuments = 20;
    private const int MaxSubjectLength = 200;
    private const int MaxBodyLength = 20_000;

    [Authorize(Policy = Senders)]
    public override async Task<MailboxMessage> SendMessage(SendMessageRequest request, ServerCallContext context)
    {
        var user = context.GetHttpContext().User;
        var errors = new FieldErrors();
        if (!Guid.TryParse(request.TenantId, out var tenantId))
        {
            errors.Add("tenant_id", "must be a tenant id");
        }
        else if (!user.IsMemberOf(request.TenantId))
        {
            throw FieldErrors.Denied("You can send messages only for your own municipality.");
        }

        if (request.RecipientSubject.Length is 0 or > 320)
        {
            errors.Add("recipient_subject", "must name the recipient (the citizen id of a submission)");
        }

        if (request.Subject.Trim().Length == 0 || request.Subject.Length > MaxSubjectLength)
        {
            errors.Add("subject", $"must have 1 to {MaxSubjectLength} characters");
        }

        if (request.Body.Length > MaxBodyLength)
        {
            errors.Add("body", $"may have at most {MaxBodyLength} characters");
        }

        var documentIds = request.DocumentIds.Select(id => Guid.TryParse(id, out var parsed) ? parsed : Guid.Empty).Distinct().ToList();
        if (documentIds.Contains(Guid.Empty) || documentIds.Count > MaxDocuments)
        {
            errors.Add("document_ids", $"must be up to {MaxDocuments} document ids");
        }

        Guid? submissionId = request.SubmissionId.Length == 0 ? null : Guid.TryParse(request.SubmissionId, out var submission) ? submission : Guid.Empty;
        if (submissionId == Guid.Empty)
        {
            errors.Add("submission_id", "must be a submission id or empty");
        }

        errors.ThrowIfAny();
        var message = new StoredMessage(Guid.CreateVersion7(), tenantId, request.RecipientSubject, request.Subject.Trim(), request.Body, submissionId,
            user.SubjectId()!, clock.GetUtcNow(), null, documentIds);
        var unusable = await mailbox.SendAsync(message, context.CancellationToken);
        if (unusable.Count > 0)
        {
            errors.Add("document_ids", $"{string.Join(", ", unusable)} must be clean documents your municipality uploaded");
            errors.ThrowIfAny();
        }

        return await ToProtoAsync(message, context.CancellationToken);
    }

    [Authorize(Policy = Recipients)]
    public override async Task<ListMyMessagesResponse> ListMyMessages(ListMyMessagesRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        var (pageSize, after) = Paging.Read(request.PageSize, request.PageToken, "mailbox", errors);
        var position = after is null ? null : MessagePosition.Parse(after);
        if (after is not null && position is null)
        {
            errors.Add("page_token", "must be the next_page_token of an earlier page");
        }

        errors.ThrowIfAny();
        var fetched = await mailbox.ListAsync(Recipient(context), position, pageSize + 1, context.CancellationToken);
        var (page, next) = Paging.Page(fetched, pageSize, "mailbox", m => new MessagePosition(m.ReadAt is null, m.SentAt, m.Id).ToString());
        var response = new ListMyMessagesResponse { NextPageToken = next };
        response.Messages.AddRange(page.Select(m => Summary(m)));
        return response;
    }

    [Authorize(Policy = Recipients)]
    public override async Task<MailboxMessage> ReadMessage(ReadMessageRequest request, ServerCallContext context)
    {
        var message = Guid.TryParse(request.MessageId, out var id)
            ? await mailbox.ReadAsync(Recipient(context), id, clock.GetUtcNow(), context.CancellationToken)
            : null;
        return message is null ? throw FieldErrors.NotFound("The message") : await ToProtoAsync(message, context.CancellationToken);
    }

    private async Task<MailboxMessage> ToProtoAsync(StoredMessage message, CancellationToken cancellationToken)
    {
        var proto = Summary(message);
        foreach (var documentId in message.DocumentIds)
        {
            if (await documents.FindAsync(documentId, cancellationToken) is { } document)
            {
                proto.Documents.Add(document.ToProto());
            }
        }

        return proto;
    }

    private static MailboxMessage Summary(StoredMessage message) => new()
    {
        MessageId = message.Id.ToString(), TenantId = message.TenantId.ToString(), Subject = message.Subject, Body = message.Body,
        SubmissionId = message.SubmissionId?.ToString() ?? "", SentAt = message.SentAt.ToString("O", CultureInfo.InvariantCulture),
        ReadAt = message.ReadAt?.ToString("O", CultureInfo.InvariantCulture) ?? "",
    };

    private static string Recipient(ServerCallContext context) =>
        context.GetHttpContext().User.SubjectId() ?? throw new RpcException(new Status(StatusCode.Unauthenticated, "No subject in the token."));
}
