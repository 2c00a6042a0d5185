using EfaPlatform.Contracts.Documents.V1;
using EfaPlatform.Contracts.Events.V1;
using EfaPlatform.Messaging.Outbox;
using EfaPlatform.Routing.Deliveries;
using EfaPlatform.ServiceDefaults;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Npgsql;

namespace EfaPlatform.Routing.Decisions;

/// <summary>
/// Records an authority's decision once per submission: the message and its documents go to the citizen's mailbox
/// (documents, with the deciding caller's own token, so documents checks that the documents are the municipality's),
/// then the decision and its event are stored together. The delivery's row lock keeps two deciders apart; the mailbox
/// call carries an idempotency key of the submission, so the same caller repeating after a lost answer sends no second message.
/// </summary>
public sealed class DecisionMaker(DeliveryStore deliveries, SubmissionSource submissions, MailboxService.MailboxServiceClient mailbox, EventOutbox outbox, TimeProvider clock)
{
    public sealed record Request(string Outcome, string Message, IReadOnlyList<string> DocumentIds, string DecidedBy, string Authorization);

    public async Task<Contracts.Routing.V1.Decision> DecideAsync(StoredDelivery delivery, Request request, CancellationToken cancellationToken)
    {
        await using var connection = await deliveries.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockDelivery = new NpgsqlCommand("select state from deliveries where delivery_id = $1 for update", connection, transaction))
        {
            lockDelivery.Parameters.AddWithValue(delivery.DeliveryId);
            if (await lockDelivery.ExecuteScalarAsync(cancellationToken) is not DeliveryStates.Delivered)
            {
                throw FieldErrors.Precondition($"Submission {delivery.Reference} has not been delivered; an authority decides what it has received.");
            }
        }

        if (await FindAsync(connection, transaction, delivery.SubmissionId, cancellationToken) is { } earlier)
        {
            throw FieldErrors.Conflict($"Submission {delivery.Reference} was decided already ({earlier.Outcome}, {earlier.DecidedAt}).");
        }

        var submission = await submissions.SubmissionAsync(delivery.SubmissionId, cancellationToken);
        var sent = await mailbox.SendMessageAsync(new SendMessageRequest
            {
                TenantId = delivery.TenantId.ToString(), RecipientSubject = submission.CitizenId, SubmissionId = delivery.SubmissionId.ToString(),
                Subject = $"{(request.Outcome == "approved" ? "Bescheid" : "Ablehnung")} zu Ihrem Antrag {delivery.Reference}",
                Body = request.Message, DocumentIds = { request.DocumentIds },
            },
            new Metadata { { "authorization", request.Authorization }, { IdempotencyInterceptor.MetadataKey, $"decision-{delivery.SubmissionId}" } },
            deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: cancellationToken);

        var now = clock.GetUtcNow();
        await using (var insert = new NpgsqlCommand(
            """
            insert into decisions (submission_id, tenant_id, outcome, message, document_ids, decided_at, decided_by, mailbox_message_id)
            values ($1, $2, $3, $4, $5, $6, $7, $8)
            """, connection, transaction))
        {
            insert.Parameters.AddWithValue(delivery.SubmissionId);
            insert.Parameters.AddWithValue(delivery.TenantId);
            insert.Parameters.AddWithValue(request.Outcome);
            insert.Parameters.AddWithValue(request.Message);
            insert.Parameters.AddWithValue(request.DocumentIds.ToArray());
            insert.Parameters.AddWithValue(now);
            insert.Parameters.AddWithValue(request.DecidedBy);
            insert.Parameters.AddWithValue(sent.MessageId);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await outbox.AddAsync(transaction, new SubmissionDecided
        {
            SubmissionId = delivery.SubmissionId.ToString(), Outcome = request.Outcome, DecidedAt = Timestamp.FromDateTimeOffset(now),
        }, delivery.SubmissionId.ToString(), cancellationToken: cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (await FindAsync(connection, null, delivery.SubmissionId, cancellationToken))!;
    }

    public async Task<Contracts.Routing.V1.Decision?> FindAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid submissionId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "select outcome, message, document_ids, decided_at, decided_by, mailbox_message_id from decisions where submission_id = $1", connection, transaction);
        command.Parameters.AddWithValue(submissionId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new Contracts.Routing.V1.Decision
            {
                SubmissionId = submissionId.ToString(), Outcome = reader.GetString(0), Message = reader.GetString(1), DocumentIds = { reader.GetFieldValue<string[]>(2) },
                DecidedAt = Timestamp.FromDateTimeOffset(reader.GetFieldValue<DateTimeOffset>(3)), DecidedBy = reader.GetString(4), MailboxMessageId = reader.GetString(5),
            }
            : null;
    }
}
