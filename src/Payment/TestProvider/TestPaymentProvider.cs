using EfaPlatform.Payment.Payments;
using EfaPlatform.Payment.Providers;
using EfaPlatform.Payment.Settings;
using Microsoft.Extensions.Options;
using Npgsql;

namespace EfaPlatform.Payment.TestProvider;

/// <summary>A session on the test provider's page: one per started payment.</summary>
public sealed record TestSession(Guid Id, Guid TenantId, Guid PaymentId, long AmountCents, string Description, string ReturnUrl, string State)
{
    public const string Open = "open";
    public const string AwaitingConfirmation = "awaiting_confirmation";
    public const string Closed = "closed";
}

/// <summary>
/// The built-in test provider, for development and tests only (Payment:TestProvider:Enabled): a hosted page served by
/// the payment service itself (<see cref="TestProviderEndpoints"/>) that reports back with signed callbacks, like a real
/// provider would. Its sessions live in the payment database.
/// </summary>
public sealed class TestPaymentProvider(NpgsqlDataSource dataSource, IOptions<PaymentOptions> options, IHttpContextAccessor request) : IPaymentProvider
{
    public const string ProviderName = "test";
    public const string PagePath = "/api/payment/v1/test-provider/sessions";

    public string Name => ProviderName;

    public async Task<ProviderSession> StartAsync(StoredPayment payment, PaymentSettings settings, string returnUrl, CancellationToken cancellationToken)
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
        var sessionId = (Guid)(await upsert.ExecuteScalarAsync(cancellationToken))!;
        return new ProviderSession(sessionId.ToString(), $"{PublicBase()}{PagePath}/{sessionId}");
    }

    private string PublicBase()
    {
        if (options.Value.PublicUrl is { Length: > 0 } configured)
        {
            return configured.TrimEnd('/');
        }

        var http = request.HttpContext?.Request ?? throw new InvalidOperationException("The test provider starts payments during a request only.");
        return $"{http.Scheme}://{http.Host}{http.PathBase}";
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
