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
/// An authority's decision, once per submission, in three steps so that no lock is held while other services answer:
/// the decision is taken (a row without a mailbox message: nobody else decides now); its message and documents go to
/// the citizen's mailbox (documents, with the decider's own token, so documents checks that the documents are the
/// municipality's; idempotency key of the submission, so the same caller repeating sends no second message); then the
/// message is recorded and the decision announced in one transaction. A repeat of the same decision after a failure
/// in between goes on where it stopped; a refusal by documents takes the decision back, so that it can be corrected.
/// </summary>
public sealed class DecisionMaker(DeliveryStore deliveries, SubmissionSource submissions, MailboxService.MailboxServiceClient mailbox, EventOutbox outbox, TimeProvider clock)
{
    public sealed record Request(string Outcome, string Message, IReadOnlyList<string> DocumentIds, string DecidedBy, string Authorization);

    private sealed record Taken(string Outcome, string Message, string[] DocumentIds, string? MailboxMessageId);

    public async Task<Contracts.Routing.V1.Decision> DecideAsync(StoredDelivery delivery, Request request, CancellationToken cancellationToken)
    {
        await TakeAsync(delivery, request, cancellationToken);
        MailboxMessage sent;
        try
        {
            var submission = await submissions.SubmissionAsync(delivery.SubmissionId, cancellationToken);
            sent = await mailbox.SendMessageAsync(new SendMessageRequest
                {
                    TenantId = delivery.TenantId.ToString(), RecipientSubject = submission.CitizenId, SubmissionId = delivery.SubmissionId.ToString(),
                    Subject = $"{(request.Outcome == "approved" ? "Bescheid" : "Ablehnung")} zu Ihrem Antrag {delivery.Reference}",
                    Body = request.Message, DocumentIds = { request.DocumentIds },
                },
                new Metadata { { "authorization", request.Authorization }, { IdempotencyInterceptor.MetadataKey, $"decision-{delivery.SubmissionId}" } },
                deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: cancellationToken);
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.NotFound or StatusCode.PermissionDenied)
        {
            await TakeBackAsync(delivery.SubmissionId, cancellationToken);
            throw new RpcException(new Status(e.StatusCode == StatusCode.PermissionDenied ? StatusCode.PermissionDenied : StatusCode.FailedPrecondition,
                $"The mailbox refused the decision's message: {e.Status.Detail}"));
        }

        await using var connection = await deliveries.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var record = new NpgsqlCommand(
            "update decisions set mailbox_message_id = $2, decided_at = $3 where submission_id = $1 and mailbox_message_id is null", connection, transaction))
        {
            record.Parameters.AddWithValue(delivery.SubmissionId);
            record.Parameters.AddWithValue(sent.MessageId);
            record.Parameters.AddWithValue(clock.GetUtcNow());
            if (await record.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                await outbox.AddAsync(transaction, new SubmissionDecided
                {
                    SubmissionId = delivery.SubmissionId.ToString(), Outcome = request.Outcome, DecidedAt = Timestamp.FromDateTimeOffset(clock.GetUtcNow()),
                }, delivery.SubmissionId.ToString(), cancellationToken: cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return (await FindAsync(connection, delivery.SubmissionId, cancellationToken))!;
    }

    /// <summary>Takes the decision for the caller, or finds the same decision of an earlier attempt that did not finish.</summary>
    private async Task TakeAsync(StoredDelivery delivery, Request request, CancellationToken cancellationToken)
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

        var earlier = await TakenAsync(connection, transaction, delivery.SubmissionId, cancellationToken);
        if (earlier is { MailboxMessageId: not null })
        {
            throw FieldErrors.Conflict($"Submission {delivery.Reference} was decided already ({earlier.Outcome}).");
        }

        if (earlier is not null)
        {
            if (earlier.Outcome != request.Outcome || earlier.Message != request.Message || !earlier.DocumentIds.SequenceEqual(request.DocumentIds))
            {
                throw FieldErrors.Conflict($"Another decision on submission {delivery.Reference} is being sent; repeat that one or wait.");
            }

            return;
        }

        await using (var insert = new NpgsqlCommand(
            "insert into decisions (submission_id, tenant_id, outcome, message, document_ids, decided_at, decided_by) values ($1, $2, $3, $4, $5, $6, $7)",
            connection, transaction))
        {
            insert.Parameters.AddWithValue(delivery.SubmissionId);
            insert.Parameters.AddWithValue(delivery.TenantId);
            insert.Parameters.AddWithValue(request.Outcome);
            insert.Parameters.AddWithValue(request.Message);
            insert.Parameters.AddWithValue(request.DocumentIds.ToArray());
            insert.Parameters.AddWithValue(clock.GetUtcNow());
            insert.Parameters.AddWithValue(request.DecidedBy);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private async Task TakeBackAsync(Guid submissionId, CancellationToken cancellationToken)
    {
        await using var connection = await deliveries.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("delete from decisions where submission_id = $1 and mailbox_message_id is null", connection);
        command.Parameters.AddWithValue(submissionId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<Taken?> TakenAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid submissionId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "select outcome, message, document_ids, mailbox_message_id from decisions where submission_id = $1", connection, transaction);
        command.Parameters.AddWithValue(submissionId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new Taken(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<string[]>(2), reader.IsDBNull(3) ? null : reader.GetString(3))
            : null;
    }

    private static async Task<Contracts.Routing.V1.Decision?> FindAsync(NpgsqlConnection connection, Guid submissionId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "select outcome, message, document_ids, decided_at, decided_by, mailbox_message_id from decisions where submission_id = $1 and mailbox_message_id is not null",
            connection);
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
