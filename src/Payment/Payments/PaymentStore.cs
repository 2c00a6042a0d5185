using EfaPlatform.Payment.Kassenzeichen;
using Npgsql;

namespace EfaPlatform.Payment.Payments;

/// <summary>
/// Payments in PostgreSQL, each with the history of its states. Every change of state names the version it read and
/// fails with <see cref="PaymentChangedException"/> when somebody else changed the payment first (optimistic concurrency);
/// flags beside the state (refund due, the next poll) are set without it.
/// </summary>
public sealed partial class PaymentStore(NpgsqlDataSource dataSource, KassenzeichenIssuer kassenzeichen)
{
    private const string Columns = """
        id, tenant_id, submission_id, reference, kassenzeichen, description, amount_cents, currency, state, version, created_at,
        attempt, provider, provider_reference, next_url, return_url, expires_at, paid_at, refunded_cents, client_request_id, return_url_requested, refund_due
        """;

    public ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) => dataSource.OpenConnectionAsync(cancellationToken);

    /// <summary>
    /// The first payment of a submission's fee, created in <paramref name="transaction"/> unless the submission has one
    /// already; null when it had. Forms' announcement and a citizen who comes to pay before it arrived may race: the
    /// submission's advisory lock lets one of them create it.
    /// </summary>
    public async Task<Guid?> CreateForSubmissionAsync(NpgsqlTransaction transaction, SubmissionFee fee, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using (var serialize = new NpgsqlCommand("select pg_advisory_xact_lock(hashtextextended($1::text, 0))", transaction.Connection, transaction))
        {
            serialize.Parameters.AddWithValue(fee.SubmissionId);
            await serialize.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var exists = new NpgsqlCommand("select 1 from payments where submission_id = $1", transaction.Connection, transaction))
        {
            exists.Parameters.AddWithValue(fee.SubmissionId);
            if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
            {
                return null;
            }
        }

        var id = Guid.CreateVersion7(now);
        await InsertAsync(transaction, id, fee.TenantId, fee.SubmissionId, fee.Reference, $"Gebühr {fee.ServiceId}, Antrag {fee.Reference}",
            fee.AmountCents, attempt: 1, now, "submission.submitted", cancellationToken);
        return id;
    }

    /// <summary>A new payment of the same fee after <paramref name="previous"/> failed, was cancelled or expired: a new Kassenzeichen.</summary>
    public async Task<Guid> CreateNextAttemptAsync(NpgsqlTransaction transaction, StoredPayment previous, string source, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7(now);
        await InsertAsync(transaction, id, previous.TenantId, previous.SubmissionId, previous.Reference, previous.Description, previous.AmountCents,
            previous.Attempt + 1, now, source, cancellationToken);
        return id;
    }

    /// <summary>
    /// The payment a machine client asked for under <paramref name="request"/>'s request id: created now, or the one
    /// created before (locked, for the caller to compare and go on with).
    /// </summary>
    public async Task<StoredPayment> CreateForClientAsync(NpgsqlTransaction transaction, ClientPaymentRequest request, string source, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await using (var serialize = new NpgsqlCommand("select pg_advisory_xact_lock(hashtextextended($1::text || '/' || $2, 0))", transaction.Connection, transaction))
        {
            serialize.Parameters.AddWithValue(request.TenantId);
            serialize.Parameters.AddWithValue(request.RequestId);
            await serialize.ExecuteNonQueryAsync(cancellationToken);
        }

        if (await ReadOneAsync(transaction.Connection!, transaction, "where tenant_id = $1 and client_request_id = $2 for update", request.TenantId, cancellationToken,
                request.RequestId) is { } existing)
        {
            return existing;
        }

        var id = Guid.CreateVersion7(now);
        await InsertAsync(transaction, id, request.TenantId, null, request.Reference, request.Description, request.AmountCents, attempt: 1, now, source, cancellationToken,
            request.RequestId, request.ReturnUrl);
        return (await ReadAsync(transaction, id, forUpdate: true, cancellationToken))!;
    }

    private async Task InsertAsync(NpgsqlTransaction transaction, Guid id, Guid tenantId, Guid? submissionId, string reference, string description,
        long amountCents, int attempt, DateTimeOffset now, string source, CancellationToken cancellationToken, string? clientRequestId = null, string? requestedReturnUrl = null)
    {
        var cashReference = await kassenzeichen.NextAsync(transaction, tenantId, TreasuryCalendar.YearOf(now), cancellationToken);
        await using var batch = new NpgsqlBatch(transaction.Connection, transaction)
        {
            BatchCommands =
            {
                Command("""
                    insert into payments (id, tenant_id, submission_id, reference, kassenzeichen, description, amount_cents, currency, state, version,
                                          created_at, updated_at, attempt, client_request_id, return_url_requested)
                    values ($1, $2, $3, $4, $5, $6, $7, 'EUR', $8, 1, $9, $9, $10, $11, $12)
                    """, id, tenantId, (object?)submissionId ?? DBNull.Value, reference, cashReference, description, amountCents, PaymentState.Created, now, attempt,
                    (object?)clientRequestId ?? DBNull.Value, (object?)requestedReturnUrl ?? DBNull.Value),
                Command("insert into payment_history (payment_id, position, state, changed_at, source) values ($1, 0, $2, $3, $4)",
                    id, PaymentState.Created, now, source),
            },
        };
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The current payment of a submission: its latest attempt.</summary>
    public async Task<StoredPayment?> ForSubmissionAsync(Guid submissionId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadOneAsync(connection, null, "where submission_id = $1 order by attempt desc limit 1", submissionId, cancellationToken);
    }

    public async Task<StoredPayment?> FindAsync(Guid paymentId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadOneAsync(connection, null, "where id = $1", paymentId, cancellationToken);
    }

    /// <summary>The payment as <paramref name="transaction"/> sees it; <paramref name="forUpdate"/> keeps others from changing it until it ends.</summary>
    public Task<StoredPayment?> ReadAsync(NpgsqlTransaction transaction, Guid paymentId, bool forUpdate, CancellationToken cancellationToken) =>
        ReadOneAsync(transaction.Connection!, transaction, forUpdate ? "where id = $1 for update" : "where id = $1", paymentId, cancellationToken);

    public Task<StoredPayment?> LockLatestOfSubmissionAsync(NpgsqlTransaction transaction, Guid submissionId, CancellationToken cancellationToken) =>
        ReadOneAsync(transaction.Connection!, transaction, "where submission_id = $1 order by attempt desc limit 1 for update", submissionId, cancellationToken);

    /// <summary>Moves the payment as read (its version) to <paramref name="change"/>'s state and records it in the history.</summary>
    /// <exception cref="PaymentChangedException">Somebody else changed it since it was read.</exception>
    public async Task<StoredPayment> ChangeAsync(NpgsqlTransaction transaction, StoredPayment payment, PaymentChange change, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!PaymentState.CanMove(payment.State, change.State))
        {
            throw new InvalidOperationException($"A payment does not move from {payment.State} to {change.State}.");
        }

        await using var update = new NpgsqlCommand("""
            update payments set state = $3, version = version + 1, updated_at = $4,
                provider = coalesce($5, provider), provider_reference = coalesce($6, provider_reference), next_url = $7,
                return_url = coalesce($8, return_url), expires_at = coalesce($9, expires_at), paid_at = coalesce($10, paid_at),
                refunded_cents = coalesce($11, refunded_cents), refund_due = refund_due and $3 <> 'refunded'
            where id = $1 and version = $2
            """, transaction.Connection, transaction);
        update.Parameters.AddWithValue(payment.Id);
        update.Parameters.AddWithValue(payment.Version);
        update.Parameters.AddWithValue(change.State);
        update.Parameters.AddWithValue(now);
        foreach (var value in new object?[] { change.Provider, change.ProviderReference, change.NextUrl, change.ReturnUrl, change.ExpiresAt, change.PaidAt, change.RefundedCents })
        {
            update.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        if (await update.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            throw new PaymentChangedException(payment.Id);
        }

        await using var history = new NpgsqlCommand(
            "insert into payment_history (payment_id, position, state, changed_at, source) values ($1, $2, $3, $4, $5)", transaction.Connection, transaction);
        history.Parameters.AddWithValue(payment.Id);
        history.Parameters.AddWithValue(payment.History.Count);
        history.Parameters.AddWithValue(change.State);
        history.Parameters.AddWithValue(now);
        history.Parameters.AddWithValue(change.Source);
        await history.ExecuteNonQueryAsync(cancellationToken);
        return (await ReadAsync(transaction, payment.Id, forUpdate: false, cancellationToken))!;
    }

    private static async Task<StoredPayment?> ReadOneAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string where, object id, CancellationToken cancellationToken,
        object? second = null)
    {
        StoredPayment? payment;
        await using (var select = new NpgsqlCommand($"select {Columns} from payments {where}", connection, transaction))
        {
            select.Parameters.Add(new NpgsqlParameter { Value = id });
            if (second is not null)
            {
                select.Parameters.Add(new NpgsqlParameter { Value = second });
            }

            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            payment = await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
        }

        return payment is null ? null : payment with { History = await HistoryAsync(connection, transaction, payment.Id, cancellationToken) };
    }

    private static async Task<IReadOnlyList<PaymentStateEntry>> HistoryAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid paymentId, CancellationToken cancellationToken)
    {
        await using var select = new NpgsqlCommand("select state, changed_at, source from payment_history where payment_id = $1 order by position", connection, transaction);
        select.Parameters.AddWithValue(paymentId);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var history = new List<PaymentStateEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            history.Add(new PaymentStateEntry(reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2)));
        }

        return history;
    }

    private static StoredPayment Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0), reader.GetGuid(1), reader.IsDBNull(2) ? null : reader.GetGuid(2), reader.GetString(3), reader.GetString(4),
        reader.GetString(5), reader.GetInt64(6), reader.GetString(7), reader.GetString(8), reader.GetInt32(9),
        reader.GetFieldValue<DateTimeOffset>(10), reader.GetInt32(11), NullableString(reader, 12), NullableString(reader, 13),
        NullableString(reader, 14), NullableString(reader, 15), NullableTime(reader, 16), NullableTime(reader, 17), reader.GetInt64(18), []) { ClientRequestId = NullableString(reader, 19), RequestedReturnUrl = NullableString(reader, 20), RefundDue = reader.GetBoolean(21) };

    private static string? NullableString(NpgsqlDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetString(column);

    private static DateTimeOffset? NullableTime(NpgsqlDataReader reader, int column) =>
        reader.IsDBNull(column) ? null : reader.GetFieldValue<DateTimeOffset>(column);

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }
}

/// <summary>The payment changed between reading it and changing it; read it again and decide again.</summary>
public sealed class PaymentChangedException(Guid paymentId) : Exception($"Payment {paymentId} was changed by somebody else.");
