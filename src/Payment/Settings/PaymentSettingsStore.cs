using EfaPlatform.Payment.Kassenzeichen;
using Microsoft.Extensions.Options;
using Npgsql;

namespace EfaPlatform.Payment.Settings;

/// <summary>A municipality's payment settings: stored through the API, else from configuration (Payment:Tenants), else none.</summary>
public sealed class PaymentSettingsStore(NpgsqlDataSource dataSource, IOptions<PaymentOptions> options)
{
    public async Task<PaymentSettings?> GetAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var select = new NpgsqlCommand(
            "select provider, return_origins, xbezahldienste_originator_id, xbezahldienste_endpoint_id from payment_settings where tenant_id = $1", connection);
        select.Parameters.AddWithValue(tenantId);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        if (await reader.ReadAsync(cancellationToken))
        {
            return new PaymentSettings(tenantId, reader.GetString(0), reader.GetFieldValue<string[]>(1),
                reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3));
        }

        return options.Value.Tenants.TryGetValue(tenantId.ToString(), out var configured)
            ? new PaymentSettings(tenantId, configured.Provider, configured.ReturnOrigins)
            : null;
    }

    /// <summary>The municipality's Kassenzeichen format, or the platform's default; in <paramref name="transaction"/> when given.</summary>
    public async Task<KassenzeichenFormat> FormatAsync(Guid tenantId, CancellationToken cancellationToken, NpgsqlTransaction? transaction = null)
    {
        await using var own = transaction is null ? await dataSource.OpenConnectionAsync(cancellationToken) : null;
        await using var select = new NpgsqlCommand("select prefix, include_year, sequence_digits, check_digit from kassenzeichen_formats where tenant_id = $1",
            transaction?.Connection ?? own, transaction);
        select.Parameters.AddWithValue(tenantId);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new KassenzeichenFormat { Prefix = reader.GetString(0), IncludeYear = reader.GetBoolean(1), SequenceDigits = reader.GetInt32(2), CheckDigit = reader.GetString(3) }
            : options.Value.DefaultKassenzeichenFormat;
    }

    public async Task SaveAsync(PaymentSettings settings, KassenzeichenFormat format, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var saveFormat = new NpgsqlCommand("""
                         insert into kassenzeichen_formats (tenant_id, prefix, include_year, sequence_digits, check_digit) values ($1, $2, $3, $4, $5)
                         on conflict (tenant_id) do update set prefix = excluded.prefix, include_year = excluded.include_year,
                             sequence_digits = excluded.sequence_digits, check_digit = excluded.check_digit
                         """, connection, transaction))
        {
            saveFormat.Parameters.AddWithValue(settings.TenantId);
            saveFormat.Parameters.AddWithValue(format.Prefix);
            saveFormat.Parameters.AddWithValue(format.IncludeYear);
            saveFormat.Parameters.AddWithValue(format.SequenceDigits);
            saveFormat.Parameters.AddWithValue(format.CheckDigit);
            await saveFormat.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var upsert = new NpgsqlCommand("""
            insert into payment_settings (tenant_id, provider, return_origins, xbezahldienste_originator_id, xbezahldienste_endpoint_id, updated_at)
            values ($1, $2, $3, $4, $5, $6)
            on conflict (tenant_id) do update set provider = excluded.provider, return_origins = excluded.return_origins,
                xbezahldienste_originator_id = excluded.xbezahldienste_originator_id,
                xbezahldienste_endpoint_id = excluded.xbezahldienste_endpoint_id, updated_at = excluded.updated_at
            """, connection, transaction);
        upsert.Parameters.AddWithValue(settings.TenantId);
        upsert.Parameters.AddWithValue(settings.Provider);
        upsert.Parameters.AddWithValue(settings.ReturnOrigins.ToArray());
        upsert.Parameters.Add(new NpgsqlParameter { Value = (object?)settings.XBezahldiensteOriginatorId ?? DBNull.Value });
        upsert.Parameters.Add(new NpgsqlParameter { Value = (object?)settings.XBezahldiensteEndpointId ?? DBNull.Value });
        upsert.Parameters.AddWithValue(now);
        await upsert.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
