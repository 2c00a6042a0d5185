using Npgsql;

namespace EfaPlatform.Routing.Deliveries;

/// <summary>
/// Deliveries in PostgreSQL, one per submission, from forms' announcement on. Readiness facts (announced, paid,
/// withdrawn) arrive on different topics in any order and are recorded inside the event's inbox transaction.
/// </summary>
public sealed partial class DeliveryStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    internal const string Columns = """
        d.delivery_id, d.submission_id, d.tenant_id, d.reference, d.service_id, d.leika_key, d.state, d.unit_id, d.destination_id, d.channel,
        d.attempts, d.attempts_before_redrive, d.next_attempt_at, d.delivered_at, d.receipt_id, d.last_error, d.created_at, x.outcome, d.encryption_key
        """;

    internal const string From = "deliveries d left join decisions x on x.submission_id = d.submission_id and x.mailbox_message_id is not null";

    public ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) => dataSource.OpenConnectionAsync(cancellationToken);

    /// <summary>Forms announced a submission: it is pending at once when free or paid already, waiting otherwise.</summary>
    public async Task RecordSubmittedAsync(
        NpgsqlTransaction transaction, Guid submissionId, Guid tenantId, string reference, string serviceId, string leikaKey, long feeCents, CancellationToken cancellationToken)
    {
        await SerializeFactsAsync(transaction, submissionId, cancellationToken);
        var now = clock.GetUtcNow();
        await using var command = new NpgsqlCommand(
            """
            insert into deliveries (delivery_id, submission_id, tenant_id, reference, service_id, leika_key, fee_cents, state, next_attempt_at, created_at, updated_at)
            select $1, $2, $3, $4, $5, $6, $7,
                   case when $7 = 0 or exists (select 1 from early_payments where submission_id = $2) then 'pending' else 'waiting' end, $8, $8, $8
            on conflict (submission_id) do nothing
            """, transaction.Connection, transaction);
        command.Parameters.AddWithValue(Guid.CreateVersion7(now));
        command.Parameters.AddWithValue(submissionId);
        command.Parameters.AddWithValue(tenantId);
        command.Parameters.AddWithValue(reference);
        command.Parameters.AddWithValue(serviceId);
        command.Parameters.AddWithValue(leikaKey);
        command.Parameters.AddWithValue(feeCents);
        command.Parameters.AddWithValue(now);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The fee is paid: a waiting delivery becomes pending; before the announcement, the payment is kept for it.</summary>
    public async Task RecordPaidAsync(NpgsqlTransaction transaction, Guid submissionId, DateTimeOffset paidAt, CancellationToken cancellationToken)
    {
        await SerializeFactsAsync(transaction, submissionId, cancellationToken);
        await using var batch = new NpgsqlBatch(transaction.Connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("update deliveries set state = 'pending', next_attempt_at = $2, updated_at = $2 where submission_id = $1 and state = 'waiting'")
                {
                    Parameters = { new() { Value = submissionId }, new() { Value = clock.GetUtcNow() } },
                },
                new NpgsqlBatchCommand(
                    "insert into early_payments (submission_id, paid_at) select $1, $2 where not exists (select 1 from deliveries where submission_id = $1) on conflict do nothing")
                {
                    Parameters = { new() { Value = submissionId }, new() { Value = paidAt.ToUniversalTime() } },
                },
            },
        };
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The announcement and the payment come on different topics, perhaps to different instances at once: each would miss
    /// the other's uncommitted row, and the delivery would wait for ever. The submission's advisory lock orders them.
    /// </summary>
    private static async Task SerializeFactsAsync(NpgsqlTransaction transaction, Guid submissionId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("select pg_advisory_xact_lock(hashtextextended($1::text, 0))", transaction.Connection, transaction);
        command.Parameters.AddWithValue(submissionId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The citizen withdrew it: whatever has not reached the authority yet stops.</summary>
    public async Task RecordWithdrawnAsync(NpgsqlTransaction transaction, Guid submissionId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "update deliveries set state = 'withdrawn', next_attempt_at = null, updated_at = $2 where submission_id = $1 and state in ('waiting', 'pending', 'offered', 'parked', 'unroutable')",
            transaction.Connection, transaction);
        command.Parameters.AddWithValue(submissionId);
        command.Parameters.AddWithValue(clock.GetUtcNow());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// After a directory change, the municipality's deliveries nobody was responsible for are tried again, and so are
    /// offered ones whose pull destination is gone (nobody would fetch them any more).
    /// </summary>
    public async Task RetryAfterDirectoryChangeAsync(NpgsqlTransaction transaction, Guid tenantId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            update deliveries d set state = 'pending', next_attempt_at = $2, updated_at = $2
            where d.tenant_id = $1 and (d.state = 'unroutable'
                or (d.state = 'offered' and not exists (select 1 from destinations x where x.destination_id = d.destination_id)))
            """, transaction.Connection, transaction);
        command.Parameters.AddWithValue(tenantId);
        command.Parameters.AddWithValue(clock.GetUtcNow());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task<StoredDelivery?> GetAsync(Guid deliveryId, CancellationToken cancellationToken) =>
        SingleAsync("d.delivery_id = $1", deliveryId, cancellationToken);

    public Task<StoredDelivery?> ForSubmissionAsync(Guid submissionId, CancellationToken cancellationToken) =>
        SingleAsync("d.submission_id = $1", submissionId, cancellationToken);

    private async Task<StoredDelivery?> SingleAsync(string where, Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"select {Columns} from {From} where {where}");
        command.Parameters.AddWithValue(id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    internal static StoredDelivery Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6),
        reader.IsDBNull(7) ? null : reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetGuid(8), reader.IsDBNull(9) ? null : reader.GetString(9),
        reader.GetInt32(10), reader.GetInt32(11), reader.IsDBNull(12) ? null : reader.GetFieldValue<DateTimeOffset>(12),
        reader.IsDBNull(13) ? null : reader.GetFieldValue<DateTimeOffset>(13), reader.IsDBNull(14) ? null : reader.GetString(14),
        reader.IsDBNull(15) ? null : reader.GetString(15), reader.GetFieldValue<DateTimeOffset>(16), reader.IsDBNull(17) ? null : reader.GetString(17),
        reader.IsDBNull(18) ? null : reader.GetString(18));
}
