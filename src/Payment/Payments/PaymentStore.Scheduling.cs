using Npgsql;

namespace EfaPlatform.Payment.Payments;

/// <summary>What the workers look for (payments due to be asked about or to expire) and the flags they set beside the state.</summary>
public sealed partial class PaymentStore
{
    public async Task MarkRefundDueAsync(NpgsqlTransaction transaction, Guid paymentId, CancellationToken cancellationToken)
    {
        await using var update = new NpgsqlCommand("update payments set refund_due = true, version = version + 1 where id = $1", transaction.Connection, transaction);
        update.Parameters.AddWithValue(paymentId);
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Started payments of <paramref name="providers"/> due to be asked about, the longest waiting first.</summary>
    public async Task<IReadOnlyList<(Guid Id, int Polls)>> DueForPollAsync(IReadOnlyCollection<string> providers, DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var select = new NpgsqlCommand("""
            select id, polls from payments
            where state = 'started' and provider = any($1) and coalesce(next_poll_at, updated_at) <= $2
            order by coalesce(next_poll_at, updated_at) limit $3
            """, connection);
        select.Parameters.AddWithValue(providers.ToArray());
        select.Parameters.AddWithValue(now);
        select.Parameters.AddWithValue(limit);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var due = new List<(Guid, int)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            due.Add((reader.GetGuid(0), reader.GetInt32(1)));
        }

        return due;
    }

    /// <summary>When to ask the provider next (not a change of the payment: its version stays).</summary>
    public async Task SchedulePollAsync(Guid paymentId, DateTimeOffset next, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var update = new NpgsqlCommand("update payments set next_poll_at = $2, polls = polls + 1 where id = $1 and state = 'started'", connection);
        update.Parameters.AddWithValue(paymentId);
        update.Parameters.AddWithValue(next);
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Not before <paramref name="retryAt"/>: the provider could not say whether the payment may expire.</summary>
    public async Task PostponeExpiryAsync(Guid paymentId, DateTimeOffset retryAt, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var update = new NpgsqlCommand("update payments set expiry_retry_at = $2 where id = $1", connection);
        update.Parameters.AddWithValue(paymentId);
        update.Parameters.AddWithValue(retryAt);
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Started payments whose time ran out by <paramref name="now"/>, oldest first.</summary>
    public async Task<IReadOnlyList<Guid>> DueToExpireAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var select = new NpgsqlCommand("""
            select id from payments
            where state = 'started' and expires_at <= $1 and (expiry_retry_at is null or expiry_retry_at <= $1)
            order by coalesce(expiry_retry_at, expires_at) limit $2
            """, connection);
        select.Parameters.AddWithValue(now);
        select.Parameters.AddWithValue(limit);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var ids = new List<Guid>();
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }
}
