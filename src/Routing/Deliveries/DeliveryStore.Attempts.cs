using EfaPlatform.Contracts.Events.V1;
using EfaPlatform.Messaging.Outbox;
using Google.Protobuf.WellKnownTypes;
using Npgsql;

namespace EfaPlatform.Routing.Deliveries;

/// <summary>A claimed attempt: the delivery and the number of this attempt.</summary>
public sealed record ClaimedAttempt(StoredDelivery Delivery, int Number);

public sealed partial class DeliveryStore
{
    /// <summary>
    /// Claims up to <paramref name="count"/> due deliveries for one attempt each and records the attempt's start. The
    /// claim moves next_attempt_at past <paramref name="lease"/>: when this process dies mid-attempt, the delivery is due
    /// again then, under the same delivery id (the destination ignores a repeat it has already taken).
    /// </summary>
    public async Task<IReadOnlyList<ClaimedAttempt>> ClaimDueAsync(int count, TimeSpan lease, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var claimed = new List<ClaimedAttempt>();
        await using (var claim = new NpgsqlCommand(
            $"""
            with due as (
                select delivery_id from deliveries where state = 'pending' and next_attempt_at <= $1 order by next_attempt_at limit {count} for update skip locked
            )
            update deliveries d set attempts = d.attempts + 1, next_attempt_at = $2, updated_at = $1
            -- "x" only so that Columns (which reads a decision's outcome) fits; a delivery being attempted has no decision.
            from due left join decisions x on false
            where d.delivery_id = due.delivery_id
            returning {Columns}
            """, connection, transaction))
        {
            claim.Parameters.AddWithValue(now);
            claim.Parameters.AddWithValue(now + lease);
            await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var delivery = Read(reader);
                claimed.Add(new ClaimedAttempt(delivery, delivery.Attempts));
            }
        }

        foreach (var attempt in claimed)
        {
            await using var start = new NpgsqlCommand(
                "insert into delivery_attempts (delivery_id, number, started_at) values ($1, $2, $3) on conflict do nothing", connection, transaction);
            start.Parameters.AddWithValue(attempt.Delivery.DeliveryId);
            start.Parameters.AddWithValue(attempt.Number);
            start.Parameters.AddWithValue(now);
            await start.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return claimed;
    }

    /// <summary>
    /// Records how an attempt ended and moves the delivery on: delivered (announced once, in the same transaction),
    /// offered to a pull destination, unroutable, or due again at <paramref name="retryAt"/> (null: parked). An attempt
    /// that ends after another already finished the delivery changes nothing but its own record.
    /// </summary>
    public async Task<bool> FinishAsync(
        ClaimedAttempt attempt, AttemptResult result, Target? target, DateTimeOffset? retryAt, EventOutbox outbox, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var record = new NpgsqlCommand(
            "update delivery_attempts set finished_at = $3, outcome = $4, status_code = $5, error = $6 where delivery_id = $1 and number = $2", connection, transaction))
        {
            record.Parameters.AddWithValue(attempt.Delivery.DeliveryId);
            record.Parameters.AddWithValue(attempt.Number);
            record.Parameters.AddWithValue(now);
            record.Parameters.AddWithValue(result.Outcome);
            record.Parameters.AddWithValue(result.StatusCode);
            record.Parameters.AddWithValue((object?)result.Error ?? DBNull.Value);
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        var state = result.Outcome switch
        {
            AttemptResult.DeliveredOutcome => DeliveryStates.Delivered,
            AttemptResult.OfferedOutcome => DeliveryStates.Offered,
            AttemptResult.UnroutableOutcome => DeliveryStates.Unroutable,
            _ => retryAt is null ? DeliveryStates.Parked : DeliveryStates.Pending,
        };
        bool moved;
        await using (var move = new NpgsqlCommand(
            """
            update deliveries set state = $2, next_attempt_at = $3, unit_id = coalesce($4, unit_id), destination_id = coalesce($5, destination_id),
                channel = coalesce($6, channel), delivered_at = $7, receipt_id = $8, last_error = $9, updated_at = $10, encryption_key = $12
            where delivery_id = $1 and attempts = $11
              -- Withdrawn while the push was under way: the authority has it all the same, and says so.
              and (state = 'pending' or (state = 'withdrawn' and $2 = 'delivered'))
            """, connection, transaction))
        {
            move.Parameters.AddWithValue(attempt.Delivery.DeliveryId);
            move.Parameters.AddWithValue(state);
            move.Parameters.AddWithValue(state == DeliveryStates.Pending ? retryAt!.Value.ToUniversalTime() : DBNull.Value);
            move.Parameters.AddWithValue((object?)target?.UnitId ?? DBNull.Value);
            move.Parameters.AddWithValue((object?)target?.DestinationId ?? DBNull.Value);
            move.Parameters.AddWithValue((object?)target?.Channel ?? DBNull.Value);
            move.Parameters.AddWithValue(state == DeliveryStates.Delivered ? now : DBNull.Value);
            move.Parameters.AddWithValue((object?)result.ReceiptId ?? DBNull.Value);
            move.Parameters.AddWithValue((object?)result.Error ?? DBNull.Value);
            move.Parameters.AddWithValue(now);
            move.Parameters.AddWithValue(attempt.Number);
            move.Parameters.AddWithValue((object?)target?.EncryptionKey ?? DBNull.Value);
            moved = await move.ExecuteNonQueryAsync(cancellationToken) == 1;
        }

        if (moved && state == DeliveryStates.Delivered)
        {
            await AnnounceDeliveredAsync(transaction, attempt.Delivery.SubmissionId, target!.DestinationId, result.ReceiptId!, now, outbox, cancellationToken);
        }
        else if (moved && state == DeliveryStates.Unroutable && !await WasUnroutableAsync(transaction, attempt, cancellationToken))
        {
            await outbox.AddAsync(transaction, new SubmissionUnroutable
            {
                SubmissionId = attempt.Delivery.SubmissionId.ToString(), Reason = result.Error ?? "", FoundAt = Timestamp.FromDateTimeOffset(now),
            }, attempt.Delivery.SubmissionId.ToString(), cancellationToken: cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return moved;
    }

    /// <summary>A pull destination acknowledged an offered delivery: delivered and announced, once.</summary>
    public async Task<bool> AcknowledgeAsync(Guid deliveryId, string receiptId, EventOutbox outbox, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "update deliveries set state = 'delivered', delivered_at = $2, receipt_id = $3, updated_at = $2 where delivery_id = $1 and state = 'offered' returning submission_id, destination_id",
            connection, transaction);
        command.Parameters.AddWithValue(deliveryId);
        command.Parameters.AddWithValue(now);
        command.Parameters.AddWithValue(receiptId);
        Guid submissionId, destinationId;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return false;
            }

            (submissionId, destinationId) = (reader.GetGuid(0), reader.GetGuid(1));
        }

        await AnnounceDeliveredAsync(transaction, submissionId, destinationId, receiptId, now, outbox, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>An operator sends a parked or unroutable delivery again: the attempt limit counts anew from here.</summary>
    public async Task<bool> RedriveAsync(Guid deliveryId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "update deliveries set state = 'pending', next_attempt_at = $2, attempts_before_redrive = attempts, updated_at = $2 where delivery_id = $1 and state in ('parked', 'unroutable')");
        command.Parameters.AddWithValue(deliveryId);
        command.Parameters.AddWithValue(clock.GetUtcNow());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Whether an earlier attempt already found nobody responsible (announced then; a repeat tells the citizen nothing new).</summary>
    private static async Task<bool> WasUnroutableAsync(NpgsqlTransaction transaction, ClaimedAttempt attempt, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "select exists (select 1 from delivery_attempts where delivery_id = $1 and number < $2 and outcome = 'unroutable')", transaction.Connection, transaction);
        command.Parameters.AddWithValue(attempt.Delivery.DeliveryId);
        command.Parameters.AddWithValue(attempt.Number);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static Task AnnounceDeliveredAsync(
        NpgsqlTransaction transaction, Guid submissionId, Guid destinationId, string receiptId, DateTimeOffset at, EventOutbox outbox, CancellationToken cancellationToken) =>
        outbox.AddAsync(transaction, new SubmissionDelivered
        {
            SubmissionId = submissionId.ToString(), DestinationId = destinationId.ToString(), ReceiptId = receiptId, DeliveredAt = Timestamp.FromDateTimeOffset(at),
        }, submissionId.ToString(), cancellationToken: cancellationToken);
}

/// <summary>Where an attempt found the delivery should go, and the destination's key when it takes only encrypted content.</summary>
public sealed record Target(string UnitId, Guid DestinationId, string Channel, string? EncryptionKey = null);
