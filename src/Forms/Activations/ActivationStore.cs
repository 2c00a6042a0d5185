using Npgsql;

namespace EfaPlatform.Forms.Activations;

/// <summary>A tenant's activation of a service as stored; <see cref="FeeAmountCents"/> is null when the service's own fee applies.</summary>
public sealed record StoredActivation(
    Guid TenantId, string ServiceId, long? FeeAmountCents, string[] Languages, string ContactEmail, string Note, DateOnly From, DateOnly? Until, string ReferencePrefix);

public sealed class ActivationStore(NpgsqlDataSource dataSource)
{
    private const string Columns = "tenant_id, service_id, fee_amount_cents, languages, contact_email, note, active_from, active_until, reference_prefix";

    public Task SaveAsync(StoredActivation activation, CancellationToken cancellationToken) => WriteAsync(activation, """
        do update set fee_amount_cents = excluded.fee_amount_cents, languages = excluded.languages,
            contact_email = excluded.contact_email, note = excluded.note, active_from = excluded.active_from,
            active_until = excluded.active_until, reference_prefix = excluded.reference_prefix, updated_at = now()
        """, cancellationToken);

    /// <summary>Saves the activation unless the tenant has one for the service already (which stays as the tenant left it).</summary>
    public Task AddIfMissingAsync(StoredActivation activation, CancellationToken cancellationToken) => WriteAsync(activation, "do nothing", cancellationToken);

    private async Task WriteAsync(StoredActivation activation, string onConflict, CancellationToken cancellationToken)
    {
        await using var upsert = dataSource.CreateCommand($"""
            insert into activations ({Columns}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            on conflict (tenant_id, service_id) {onConflict}
            """);
        upsert.Parameters.AddWithValue(activation.TenantId);
        upsert.Parameters.AddWithValue(activation.ServiceId);
        upsert.Parameters.AddWithValue(activation.FeeAmountCents is { } fee ? fee : DBNull.Value);
        upsert.Parameters.AddWithValue(activation.Languages);
        upsert.Parameters.AddWithValue(activation.ContactEmail);
        upsert.Parameters.AddWithValue(activation.Note);
        upsert.Parameters.AddWithValue(activation.From);
        upsert.Parameters.AddWithValue(activation.Until is { } until ? until : DBNull.Value);
        upsert.Parameters.AddWithValue(activation.ReferencePrefix);
        await upsert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The activations of a tenant in force on <paramref name="day"/>, or only the one of <paramref name="serviceId"/>.</summary>
    public async Task<IReadOnlyList<StoredActivation>> ListActiveAsync(Guid tenantId, DateOnly day, string? serviceId, CancellationToken cancellationToken)
    {
        await using var select = dataSource.CreateCommand($"""
            select {Columns} from activations
            where tenant_id = $1 and active_from <= $2 and (active_until is null or active_until >= $2) and ($3::text is null or service_id = $3)
            order by service_id
            """);
        select.Parameters.AddWithValue(tenantId);
        select.Parameters.AddWithValue(day);
        select.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text, Value = (object?)serviceId ?? DBNull.Value });
        var found = new List<StoredActivation>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            found.Add(new StoredActivation(reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetInt64(2), reader.GetFieldValue<string[]>(3),
                reader.GetString(4), reader.GetString(5), reader.GetFieldValue<DateOnly>(6), reader.IsDBNull(7) ? null : reader.GetFieldValue<DateOnly>(7),
                reader.GetString(8)));
        }

        return found;
    }
}
