using Npgsql;

namespace EfaPlatform.Payment.Kassenzeichen;

/// <summary>Hands out each municipality's next Kassenzeichen of a year, inside the transaction that stores the payment.</summary>
public sealed class KassenzeichenIssuer(Settings.PaymentSettingsStore settings)
{
    public async Task<string> NextAsync(NpgsqlTransaction transaction, Guid tenantId, int year, CancellationToken cancellationToken)
    {
        var format = await settings.FormatAsync(tenantId, cancellationToken, transaction);
        // The counter row stays locked until the payment commits: a rolled-back payment gives its number back.
        await using var next = new NpgsqlCommand("""
            insert into kassenzeichen_counters (tenant_id, year, last_number) values ($1, $2, 1)
            on conflict (tenant_id, year) do update set last_number = kassenzeichen_counters.last_number + 1
            returning last_number
            """, transaction.Connection, transaction);
        next.Parameters.AddWithValue(tenantId);
        // A format without the year counts on across years (one counter, year 0): starting again at 1 would repeat references.
        next.Parameters.AddWithValue(format.IncludeYear ? year : 0);
        var sequence = (long)(await next.ExecuteScalarAsync(cancellationToken))!;
        return format.Format(year, sequence);
    }
}
