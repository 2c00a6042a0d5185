using EfaPlatform.Payment.Payments;
using Npgsql;

namespace EfaPlatform.Payment.TestProvider;

/// <summary>The test provider's own state, one session per started payment.</summary>
public sealed class TestProviderSessions(NpgsqlDataSource dataSource)
{
    /// <summary>The payment's session: the one opened before for it, or a new one.</summary>
    public async Task<Guid> OpenAsync(StoredPayment payment, string returnUrl, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var upsert = new NpgsqlCommand("""
            with existing as (select id from test_provider_sessions where payment_id = $2),
                 created as (
                     insert into test_provider_sessions (id, tenant_id, payment_id, amount_cents, description, return_url, state, created_at)
                     select $1, $3, $2, $4, $5, $6, 'open', now() where not exists (select 1 from existing)
                     returning id)
            select id from existing union all select id from created
            """, connection);
        upsert.Parameters.AddWithValue(Guid.NewGuid());
        upsert.Parameters.AddWithValue(payment.Id);
        upsert.Parameters.AddWithValue(payment.TenantId);
        upsert.Parameters.AddWithValue(payment.AmountCents);
        upsert.Parameters.AddWithValue(payment.Description);
        upsert.Parameters.AddWithValue(returnUrl);
        return (Guid)(await upsert.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<TestSession?> FindAsync(Guid sessionId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var select = new NpgsqlCommand(
            "select id, tenant_id, payment_id, amount_cents, description, return_url, state from test_provider_sessions where id = $1", connection);
        select.Parameters.AddWithValue(sessionId);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new TestSession(reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetInt64(3), reader.GetString(4), reader.GetString(5), reader.GetString(6))
            : null;
    }

    /// <summary>Moves the session from <paramref name="from"/> to <paramref name="to"/>; false when it was not in <paramref name="from"/> (any more).</summary>
    public async Task<bool> MoveAsync(Guid sessionId, string from, string to, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var update = new NpgsqlCommand("update test_provider_sessions set state = $3 where id = $1 and state = $2", connection);
        update.Parameters.AddWithValue(sessionId);
        update.Parameters.AddWithValue(from);
        update.Parameters.AddWithValue(to);
        return await update.ExecuteNonQueryAsync(cancellationToken) == 1;
    }
}
