using System.Text.Json;
using EfaPlatform.ServiceDefaults;
using Microsoft.Extensions.Options;
using Npgsql;

namespace EfaPlatform.Routing.Authorities;

/// <summary>Reading the directories in PostgreSQL; changes in <see cref="DirectoryWriter"/>.</summary>
public sealed class DirectoryStore(NpgsqlDataSource dataSource, IOptions<RoutingOptions> options)
{
    private const string UnitColumns = "tenant_id, unit_id, name, leika_keys, areas, contact, version, updated_at, updated_by";
    private readonly SecretSealer _sealer = new(options.Value.SecretKey, "efa.routing.callback-secrets.v1");

    internal SecretSealer Sealer => _sealer;

    public async Task<long> VersionAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("select version from directories where tenant_id = $1");
        command.Parameters.AddWithValue(tenantId);
        return await command.ExecuteScalarAsync(cancellationToken) is long version ? version : 0;
    }

    public async Task<DirectoryUnit?> GetAsync(Guid tenantId, string unitId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await ReadUnitsAsync(connection, null, "tenant_id = $1 and unit_id = $2", [tenantId, unitId], cancellationToken)).SingleOrDefault();
    }

    /// <summary>One page of units ordered by unit id, after <paramref name="afterUnitId"/>; one more than asked when there are more.</summary>
    public async Task<IReadOnlyList<DirectoryUnit>> ListAsync(Guid tenantId, string? afterUnitId, int count, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadUnitsAsync(connection, null, $"tenant_id = $1 and unit_id > $2 order by unit_id limit {count}", [tenantId, afterUnitId ?? ""], cancellationToken);
    }

    /// <summary>The changes of a directory, newest first, older than <paramref name="beforeVersion"/>.</summary>
    public async Task<IReadOnlyList<Contracts.Routing.V1.DirectoryChange>> ChangesAsync(Guid tenantId, long beforeVersion, int count, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"select version, kind, unit_id, changed_at, changed_by, summary from directory_changes where tenant_id = $1 and version < $2 order by version desc limit {count}");
        command.Parameters.AddWithValue(tenantId);
        command.Parameters.AddWithValue(beforeVersion);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var changes = new List<Contracts.Routing.V1.DirectoryChange>();
        while (await reader.ReadAsync(cancellationToken))
        {
            changes.Add(new Contracts.Routing.V1.DirectoryChange
            {
                Version = reader.GetInt64(0),
                Kind = reader.GetString(1),
                UnitId = reader.IsDBNull(2) ? "" : reader.GetString(2),
                ChangedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(reader.GetFieldValue<DateTimeOffset>(3)),
                ChangedBy = reader.GetString(4),
                Summary = reader.GetString(5),
            });
        }

        return changes;
    }

    /// <summary>The callback secret of a push destination, in clear for signing; null when it has none or it does not open.</summary>
    public async Task<string?> CallbackSecretAsync(Guid destinationId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("select sealed_secret from destinations where destination_id = $1");
        command.Parameters.AddWithValue(destinationId);
        try
        {
            return await command.ExecuteScalarAsync(cancellationToken) is byte[] sealedSecret ? _sealer.Unseal(sealedSecret, destinationId.ToByteArray()) : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            // Sealed under another Routing:SecretKey: the tenant-admin sets the secret again.
            return null;
        }
    }

    /// <summary>A destination with its tenant, or null.</summary>
    public async Task<(Guid TenantId, string UnitId, DirectoryDestination Destination)?> DestinationAsync(Guid destinationId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "select tenant_id, unit_id, destination_id, channel, push_url, sealed_secret is not null, encryption_key, leika_keys from destinations where destination_id = $1");
        command.Parameters.AddWithValue(destinationId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetGuid(0), reader.GetString(1), ReadDestination(reader, 2)) : null;
    }

    internal static async Task<List<DirectoryUnit>> ReadUnitsAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string where, object[] parameters, CancellationToken cancellationToken)
    {
        var rows = new List<DirectoryUnit>();
        await using (var command = new NpgsqlCommand($"select {UnitColumns} from units where {where}", connection, transaction))
        {
            foreach (var parameter in parameters)
            {
                command.Parameters.AddWithValue(parameter);
            }

            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(new DirectoryUnit(
                    reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<string[]>(3), reader.GetFieldValue<string[]>(4),
                    JsonSerializer.Deserialize<UnitContact>(reader.GetString(5))!, [], reader.GetInt64(6), reader.GetFieldValue<DateTimeOffset>(7), reader.GetString(8)));
            }
        }

        if (rows.Count == 0)
        {
            return rows;
        }

        var destinations = new Dictionary<string, List<DirectoryDestination>>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand(
            """
            select unit_id, destination_id, channel, push_url, sealed_secret is not null, encryption_key, leika_keys
            from destinations where tenant_id = $1 and unit_id = any($2) order by unit_id, position
            """, connection, transaction))
        {
            command.Parameters.AddWithValue(rows[0].TenantId);
            command.Parameters.AddWithValue(rows.Select(unit => unit.UnitId).ToArray());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var unitId = reader.GetString(0);
                if (!destinations.TryGetValue(unitId, out var list))
                {
                    destinations[unitId] = list = [];
                }

                list.Add(ReadDestination(reader, 1));
            }
        }

        return rows.Select(unit => unit with { Destinations = destinations.GetValueOrDefault(unit.UnitId) ?? [] }).ToList();
    }

    private static DirectoryDestination ReadDestination(NpgsqlDataReader reader, int first) => new(
        reader.GetGuid(first), reader.GetString(first + 1), reader.IsDBNull(first + 2) ? null : reader.GetString(first + 2), null,
        reader.GetBoolean(first + 3), reader.IsDBNull(first + 4) ? null : reader.GetString(first + 4), reader.GetFieldValue<string[]>(first + 5));
}
