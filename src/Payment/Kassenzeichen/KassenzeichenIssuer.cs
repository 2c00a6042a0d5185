using Microsoft.Extensions.Options;
using Npgsql;

namespace EfaPlatform.Payment.Kassenzeichen;

/// <summary>Hands out each municipality's next Kassenzeichen of a year, inside the transaction that stores the payment.</summary>
public sealed class KassenzeichenIssuer(IOptions<PaymentOptions> options)
{
    public async Task<string> NextAsync(NpgsqlTransaction transaction, Guid tenantId, int year, CancellationToken cancellationToken)
    {
        var format = await FormatOfAsync(transaction, tenantId, cancellationToken);
        // The counter row stays locked until the payment commits: a rolled-back payment gives its number back.
        await using var next = new NpgsqlCommand("""
            insert into kassenzeichen_counters (tenant_id, year, last_number) values ($1, $2, 1)
            on conflict (tenant_id, year) do update set last_number = kassenzeichen_counters.last_number + 1
            returning last_number
            """, transaction.Connection, transaction);
        next.Parameters.AddWithValue(tenantId);
        next.Parameters.AddWithValue(year);
        var sequence = (long)(await next.ExecuteScalarAsync(cancellationToken))!;
        return format.Format(year, sequence);
    }

    private async Task<KassenzeichenFormat> FormatOfAsync(NpgsqlTransaction transaction, Guid tenantId, CancellationToken cancellationToken)
    {
        await using var select = new NpgsqlCommand(
            "select prefix, include_year, sequence_digits, check_digit from kassenzeichen_formats where tenant_id = $1",
            transaction.Connection, transaction);
        select.Parameters.AddWithValue(tenantId);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new KassenzeichenFormat { Prefix = reader.GetString(0), IncludeYear = reader.GetBoolean(1), SequenceDigits = reader.GetInt32(2), CheckDigit = reader.GetString(3) }
            : options.Value.DefaultKassenzeichenFormat;
    }
}
