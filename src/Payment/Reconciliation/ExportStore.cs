using EfaPlatform.Contracts.Payment.V1;
using Google.Protobuf;
using Npgsql;

namespace EfaPlatform.Payment.Reconciliation;

/// <summary>Exports as they were made: the answer (protobuf) and the CSV, byte for byte.</summary>
public sealed class ExportStore(NpgsqlDataSource dataSource)
{
    public async Task SaveAsync(Guid tenantId, DateOnly day, Export export, byte[] csv, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var insert = new NpgsqlCommand("insert into exports (id, tenant_id, day, cutoff, created_at, message, csv) values ($1, $2, $3, $4, $5, $6, $7)", connection);
        insert.Parameters.AddWithValue(Guid.Parse(export.ExportId));
        insert.Parameters.AddWithValue(tenantId);
        insert.Parameters.AddWithValue(day);
        insert.Parameters.AddWithValue(export.Cutoff.ToDateTimeOffset());
        insert.Parameters.AddWithValue(now);
        insert.Parameters.AddWithValue(export.ToByteArray());
        insert.Parameters.AddWithValue(csv);
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<Export?> MessageAsync(Guid tenantId, Guid exportId, CancellationToken cancellationToken) =>
        await ReadAsync("message", tenantId, exportId, cancellationToken) is { } stored ? Export.Parser.ParseFrom(stored) : null;

    public Task<byte[]?> CsvAsync(Guid tenantId, Guid exportId, CancellationToken cancellationToken) => ReadAsync("csv", tenantId, exportId, cancellationToken);

    /// <param name="column">"message" or "csv", never from a request.</param>
    private async Task<byte[]?> ReadAsync(string column, Guid tenantId, Guid exportId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var select = new NpgsqlCommand($"select {column} from exports where id = $1 and tenant_id = $2", connection);
        select.Parameters.AddWithValue(exportId);
        select.Parameters.AddWithValue(tenantId);
        return await select.ExecuteScalarAsync(cancellationToken) as byte[];
    }
}
