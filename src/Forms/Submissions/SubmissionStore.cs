using EfaPlatform.Contracts.Events.V1;
using EfaPlatform.Messaging.Outbox;
using Google.Protobuf.WellKnownTypes;
using Npgsql;
using NpgsqlTypes;

namespace EfaPlatform.Forms.Submissions;

/// <summary>Submissions in PostgreSQL. Every status change and the event announcing it commit together.</summary>
public sealed partial class SubmissionStore(NpgsqlDataSource dataSource, EventOutbox outbox, TimeProvider clock)
{
    private const string Columns = "id, tenant_id, citizen_id, service_id, service_version, reference, status, fee_amount_cents, language, submitted_at";

    /// <returns>
    /// The submission, whether it is new (false: the citizen used this idempotency key before), and whether the request
    /// is the one that made it (false: the key was used for another request).
    /// </returns>
    public async Task<(StoredSubmission Submission, bool Created, bool SameRequest)> CreateAsync(NewSubmission submission, CancellationToken cancellationToken)
    {
        var id = submission.Id;
        var now = clock.GetUtcNow();
        now = now.AddTicks(-(now.Ticks % 10)); // PostgreSQL keeps microseconds; the answer shows what a later read shows
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        string reference;
        try
        {
            // One round trip for the rows, so that the prefix's counter row (locked from here until the commit) is held
            // briefly. A repeated key fails on the unique (citizen, key) and rolls back, the reference number with it.
            var status = submission.FeeAmountCents > 0 ? SubmissionStatus.PaymentPending : SubmissionStatus.Submitted;
            await using var batch = new NpgsqlBatch(connection, transaction);
            batch.BatchCommands.Add(Command($"""
                with counter as (
                    insert into reference_counters_by_prefix (prefix, year, last_number) values ($6, $13, 1)
                    on conflict (prefix, year) do update set last_number = reference_counters_by_prefix.last_number + 1
                    returning last_number)
                insert into submissions ({Columns}, answers, idempotency_key, updated_at, request_fingerprint)
                select $1, $2, $3, $4, $5, $6 || '-' || $13 || '-' || lpad(last_number::text, greatest(6, length(last_number::text)), '0'), $7, $8, $9, $10, $11, $12, $10, $14 from counter
                returning reference
                """,
                id, submission.TenantId, submission.CitizenId, submission.ServiceId, submission.ServiceVersion, submission.ReferencePrefix, status,
                submission.FeeAmountCents, submission.Language, now, new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = submission.AnswersJson },
                submission.IdempotencyKey, now.Year, submission.RequestFingerprint));
            foreach (var attachment in submission.Attachments)
            {
                batch.BatchCommands.Add(Command("insert into submission_attachments (submission_id, field_path, document_id) values ($1, $2, $3)",
                    id, attachment.FieldPath, attachment.DocumentId));
            }

            batch.BatchCommands.Add(History(id, 0, SubmissionStatus.Submitted, "", now));
            if (status == SubmissionStatus.PaymentPending)
            {
                batch.BatchCommands.Add(History(id, 1, SubmissionStatus.PaymentPending, "", now));
            }

            reference = (string)(await batch.ExecuteScalarAsync(cancellationToken))!;
            await outbox.AddAsync(transaction, new SubmissionSubmitted
            {
                SubmissionId = id.ToString(), TenantId = submission.TenantId.ToString(), ServiceId = submission.ServiceId,
                ServiceVersion = submission.ServiceVersion, LeikaKey = submission.LeikaKey, Reference = reference,
                FeeAmountCents = submission.FeeAmountCents, SubmittedAt = Timestamp.FromDateTimeOffset(now),
            }, id.ToString(), cancellationToken: cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == "submissions_citizen_id_idempotency_key_key")
        {
            // The key was used before (or raced in from a second request): the first submission is the answer.
            await transaction.RollbackAsync(CancellationToken.None);
            var (first, fingerprint) = await FindByIdempotencyKeyAsync(submission.CitizenId, submission.IdempotencyKey, cancellationToken);
            var same = fingerprint is null
                ? first.TenantId == submission.TenantId && first.ServiceId == submission.ServiceId
                : fingerprint == submission.RequestFingerprint;
            return (first, false, same);
        }

        var history = submission.FeeAmountCents > 0
            ? new[] { new StatusEntry(SubmissionStatus.Submitted, now, ""), new StatusEntry(SubmissionStatus.PaymentPending, now, "") }
            : [new StatusEntry(SubmissionStatus.Submitted, now, "")];
        return (new StoredSubmission(id, submission.TenantId, submission.CitizenId, submission.ServiceId, submission.ServiceVersion, reference,
            history[^1].Status, submission.FeeAmountCents, submission.Language, now, submission.AnswersJson, submission.Attachments, history), true, true);
    }

    /// <summary>One submission with answers, attachments and history; null when there is none with this id.</summary>
    public async Task<StoredSubmission?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        StoredSubmission? submission;
        await using (var select = new NpgsqlCommand($"select {Columns}, answers::text from submissions where id = $1", connection))
        {
            select.Parameters.AddWithValue(id);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            submission = await reader.ReadAsync(cancellationToken) ? Read(reader) with { AnswersJson = reader.GetString(10) } : null;
        }

        if (submission is null)
        {
            return null;
        }

        var attachments = new List<AttachmentReference>();
        await using (var select = new NpgsqlCommand("select field_path, document_id from submission_attachments where submission_id = $1 order by field_path", connection))
        {
            select.Parameters.AddWithValue(id);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                attachments.Add(new AttachmentReference(reader.GetString(0), reader.GetGuid(1)));
            }
        }

        var history = new List<StatusEntry>();
        await using (var select = new NpgsqlCommand("select status, changed_at, reason from submission_history where submission_id = $1 order by position", connection))
        {
            select.Parameters.AddWithValue(id);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                history.Add(new StatusEntry(reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2)));
            }
        }

        return submission with { Attachments = attachments, History = history };
    }

    /// <summary>Newest first, after <paramref name="after"/>; one more than asked for tells whether there is a next page.</summary>
    public async Task<IReadOnlyList<StoredSubmission>> ListAsync(SubmissionFilter filter, int limit, PageToken? after, CancellationToken cancellationToken)
    {
        await using var select = dataSource.CreateCommand($"""
            select {Columns} from submissions
            where ($1::uuid is null or tenant_id = $1) and ($2::text is null or citizen_id = $2)
              and ($3::text is null or status = $3) and ($4::text is null or service_id = $4)
              and ($5::timestamptz is null or submitted_at >= $5) and ($6::timestamptz is null or submitted_at < $6)
              and ($7::timestamptz is null or (submitted_at, id) < ($7, $8::uuid))
            order by submitted_at desc, id desc limit $9
            """);
        select.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = (object?)filter.TenantId ?? DBNull.Value });
        select.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)filter.CitizenId ?? DBNull.Value });
        select.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)filter.Status ?? DBNull.Value });
        select.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)filter.ServiceId ?? DBNull.Value });
        select.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = (object?)filter.SubmittedFrom ?? DBNull.Value });
        select.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = (object?)filter.SubmittedBefore ?? DBNull.Value });
        select.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = (object?)after?.SubmittedAt ?? DBNull.Value });
        select.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = (object?)after?.Id ?? DBNull.Value });
        select.Parameters.AddWithValue(limit);
        var submissions = new List<StoredSubmission>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            submissions.Add(Read(reader));
        }

        return submissions;
    }

    /// <summary>
    /// Moves a submission to <paramref name="next"/> inside <paramref name="transaction"/> when its life allows it
    /// (<see cref="SubmissionStatus.CanMove"/>). <paramref name="next"/> equal to the current status records a note
    /// in the history (for example a failed payment) without moving.
    /// </summary>
    /// <returns>The submission before the change, or null when it does not exist or cannot move.</returns>
    public async Task<StoredSubmission?> MoveAsync(
        NpgsqlTransaction transaction, Guid id, string next, string reason, DateTimeOffset at, CancellationToken cancellationToken)
    {
        StoredSubmission? current;
        await using (var select = new NpgsqlCommand($"select {Columns} from submissions where id = $1 for update", transaction.Connection, transaction))
        {
            select.Parameters.AddWithValue(id);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            current = await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
        }

        if (current is null || !(current.Status == next ? reason.Length > 0 : SubmissionStatus.CanMove(current.Status, next)))
        {
            return null;
        }

        await ExecuteAsync(transaction, "update submissions set status = $2, updated_at = $3 where id = $1", cancellationToken, id, next, clock.GetUtcNow());
        await AppendHistoryAsync(transaction, id, await HistoryLengthAsync(transaction, id, cancellationToken), next, reason, at, cancellationToken);
        return current;
    }

    private static async Task<int> HistoryLengthAsync(NpgsqlTransaction transaction, Guid id, CancellationToken cancellationToken)
    {
        await using var count = new NpgsqlCommand("select count(*)::int from submission_history where submission_id = $1", transaction.Connection, transaction);
        count.Parameters.AddWithValue(id);
        return (int)(await count.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Withdraws the submission and announces it, in one transaction.</summary>
    /// <returns>False when its status no longer allows a withdrawal.</returns>
    public async Task<bool> WithdrawAsync(Guid id, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Once routing reported a delivery or decision (even one that waits for the payment), the authority has it.
        if (await MoveAsync(transaction, id, SubmissionStatus.Withdrawn, "", now, cancellationToken) is not { } before
            || await HasRoutingFactAsync(transaction, id, cancellationToken))
        {
            return false;
        }

        await outbox.AddAsync(transaction, new SubmissionWithdrawn
        {
            SubmissionId = id.ToString(), TenantId = before.TenantId.ToString(), WithdrawnAt = Timestamp.FromDateTimeOffset(now),
        }, id.ToString(), cancellationToken: cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private async Task<(StoredSubmission Submission, string? Fingerprint)> FindByIdempotencyKeyAsync(string citizenId, string key, CancellationToken cancellationToken)
    {
        await using var select = dataSource.CreateCommand("select id, request_fingerprint from submissions where citizen_id = $1 and idempotency_key = $2");
        select.Parameters.AddWithValue(citizenId);
        select.Parameters.AddWithValue(key);
        Guid id;
        string? fingerprint;
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                throw new InvalidOperationException("The submission that holds the idempotency key vanished.");
            }

            (id, fingerprint) = (reader.GetGuid(0), reader.IsDBNull(1) ? null : reader.GetString(1));
        }

        return ((await GetAsync(id, cancellationToken))!, fingerprint);
    }

    private static async Task AppendHistoryAsync(
        NpgsqlTransaction transaction, Guid id, int position, string status, string reason, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(transaction.Connection, transaction) { BatchCommands = { History(id, position, status, reason, at) } };
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<int> ExecuteAsync(NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken, params object[] values)
    {
        await using var batch = new NpgsqlBatch(transaction.Connection, transaction) { BatchCommands = { Command(sql, values) } };
        return await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private static NpgsqlBatchCommand History(Guid id, int position, string status, string reason, DateTimeOffset at) =>
        Command("insert into submission_history (submission_id, position, status, reason, changed_at) values ($1, $2, $3, $4, $5)", id, position, status, reason, at);

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(value as NpgsqlParameter ?? new NpgsqlParameter { Value = value });
        }

        return command;
    }

    private static StoredSubmission Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4), reader.GetString(5),
        reader.GetString(6), reader.GetInt64(7), reader.GetString(8), reader.GetFieldValue<DateTimeOffset>(9));
}
