using System.Text.Json;
using EfaPlatform.Contracts.Events.V1;
using EfaPlatform.Messaging.Outbox;
using EfaPlatform.ServiceDefaults;
using Google.Protobuf.WellKnownTypes;
using Npgsql;
using NpgsqlTypes;

namespace EfaPlatform.Routing.Authorities;

/// <summary>
/// Changes of a directory: each one takes the directory's row lock, counts its version up, is recorded (who, when, the
/// unit before and after, without secrets) and announced (<see cref="DirectoryChanged"/>) in the same transaction.
/// </summary>
public sealed class DirectoryWriter(NpgsqlDataSource dataSource, DirectoryStore store, EventOutbox outbox, LookupCache cache, TimeProvider clock)
{
    /// <summary>Creates or replaces a unit; the version after the change and the unit as stored.</summary>
    public async Task<DirectoryUnit> PutAsync(DirectoryUnit unit, long expectedVersion, string changedBy, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var version = await NextVersionAsync(transaction, unit.TenantId, cancellationToken);
        var before = (await DirectoryStore.ReadUnitsAsync(connection, transaction, "tenant_id = $1 and unit_id = $2 for update", [unit.TenantId, unit.UnitId], cancellationToken))
            .SingleOrDefault();
        if (expectedVersion != 0 && before?.Version != expectedVersion)
        {
            throw FieldErrors.Precondition($"Unit {unit.UnitId} changed since version {expectedVersion}; read it again.");
        }

        var errors = new FieldErrors();
        var stored = unit with
        {
            Destinations = KeepIdentity(unit.Destinations, before?.Destinations ?? [], errors), Version = version, UpdatedAt = clock.GetUtcNow(), UpdatedBy = changedBy,
        };
        await ReportOverlapsAsync(transaction, stored, errors, cancellationToken);
        errors.ThrowIfAny();
        var secrets = await SealedSecretsAsync(transaction, unit.TenantId, cancellationToken);
        await DeleteUnitAsync(transaction, unit.TenantId, unit.UnitId, cancellationToken);
        await WriteUnitsAsync(transaction, [stored], secrets, cancellationToken);
        await RecordAsync(transaction, stored.TenantId, version, "put", unit.UnitId, changedBy, before is null ? "created" : "replaced", before, stored, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await cache.DirectoryChangedAsync(unit.TenantId, version);
        return stored;
    }

    /// <summary>Removes a unit; the recorded change, or null when there was no such unit.</summary>
    public async Task<long?> DeleteAsync(Guid tenantId, string unitId, string changedBy, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var version = await NextVersionAsync(transaction, tenantId, cancellationToken);
        var before = (await DirectoryStore.ReadUnitsAsync(connection, transaction, "tenant_id = $1 and unit_id = $2 for update", [tenantId, unitId], cancellationToken))
            .SingleOrDefault();
        if (before is null)
        {
            return null;
        }

        await DeleteUnitAsync(transaction, tenantId, unitId, cancellationToken);
        await RecordAsync(transaction, tenantId, version, "delete", unitId, changedBy, "deleted", before, null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await cache.DirectoryChangedAsync(tenantId, version);
        return version;
    }

    /// <summary>
    /// Replaces the whole directory with checked units (see <see cref="DirectoryImport"/>). A destination at the same
    /// position of the same unit with the same channel and URL keeps its id, so that pull clients and deliveries still name it.
    /// </summary>
    public async Task<long> ReplaceAllAsync(Guid tenantId, IReadOnlyList<DirectoryUnit> units, string changedBy, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var version = await NextVersionAsync(transaction, tenantId, cancellationToken);
        var existing = (await DirectoryStore.ReadUnitsAsync(connection, transaction, "tenant_id = $1", [tenantId], cancellationToken))
            .ToDictionary(unit => unit.UnitId, StringComparer.Ordinal);
        var secrets = await SealedSecretsAsync(transaction, tenantId, cancellationToken);
        var now = clock.GetUtcNow();
        var stored = units.Select(unit => unit with
        {
            TenantId = tenantId, Version = version, UpdatedAt = now, UpdatedBy = changedBy,
            Destinations = SameDestinations(unit.Destinations, existing.GetValueOrDefault(unit.UnitId)?.Destinations ?? []),
        }).ToList();
        await using (var clear = new NpgsqlCommand("delete from units where tenant_id = $1", connection, transaction))
        {
            clear.Parameters.AddWithValue(tenantId);
            await clear.ExecuteNonQueryAsync(cancellationToken);
        }

        await WriteUnitsAsync(transaction, stored, secrets, cancellationToken);
        await RecordAsync(transaction, tenantId, version, "import", null, changedBy, $"imported {stored.Count} units (before: {existing.Count})", null, null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await cache.DirectoryChangedAsync(tenantId, version);
        return version;
    }

    private async Task<long> NextVersionAsync(NpgsqlTransaction transaction, Guid tenantId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "insert into directories (tenant_id, version) values ($1, 1) on conflict (tenant_id) do update set version = directories.version + 1 returning version",
            transaction.Connection, transaction);
        command.Parameters.AddWithValue(tenantId);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>A destination naming an id keeps it (it must be one of the unit's); one without gets a new one.</summary>
    private static List<DirectoryDestination> KeepIdentity(IReadOnlyList<DirectoryDestination> wanted, IReadOnlyList<DirectoryDestination> before, FieldErrors errors)
    {
        var result = new List<DirectoryDestination>();
        for (var i = 0; i < wanted.Count; i++)
        {
            var destination = wanted[i];
            if (destination.DestinationId == Guid.Empty)
            {
                result.Add(destination with { DestinationId = Guid.CreateVersion7(), HasCallbackSecret = destination.CallbackSecret is not null });
                continue;
            }

            var previous = before.FirstOrDefault(d => d.DestinationId == destination.DestinationId);
            if (previous is null)
            {
                errors.Add($"unit.destinations[{i}].destination_id", "must be the id of one of this unit's destinations, or empty for a new one");
            }
            else if (destination.CallbackSecret is null && !previous.HasCallbackSecret && destination.Channel == Channels.Push)
            {
                errors.Add($"unit.destinations[{i}].callback_secret", "is required for a push destination, 32 to 256 characters");
            }

            result.Add(destination with { HasCallbackSecret = destination.CallbackSecret is not null || previous?.HasCallbackSecret == true });
        }

        return result;
    }

    private static List<DirectoryDestination> SameDestinations(IReadOnlyList<DirectoryDestination> wanted, IReadOnlyList<DirectoryDestination> before) =>
        wanted.Select((destination, i) => i < before.Count && before[i].Channel == destination.Channel && before[i].PushUrl == destination.PushUrl
            ? destination with { DestinationId = before[i].DestinationId, HasCallbackSecret = destination.CallbackSecret is not null || before[i].HasCallbackSecret }
            : destination with { DestinationId = Guid.CreateVersion7(), HasCallbackSecret = destination.CallbackSecret is not null }).ToList();

    private static async Task ReportOverlapsAsync(NpgsqlTransaction transaction, DirectoryUnit unit, FieldErrors errors, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "select leika_key, area, unit_id from coverage where tenant_id = $1 and leika_key = any($2) and area = any($3) and unit_id <> $4 order by leika_key, area",
            transaction.Connection, transaction);
        command.Parameters.AddWithValue(unit.TenantId);
        command.Parameters.AddWithValue(unit.LeikaKeys.ToArray());
        command.Parameters.AddWithValue(unit.Areas.ToArray());
        command.Parameters.AddWithValue(unit.UnitId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var area = reader.GetString(1);
            errors.Add($"unit.areas[{unit.Areas.ToList().IndexOf(area)}]", $"unit {reader.GetString(2)} already covers LeiKa key {reader.GetString(0)} in area {area}");
        }
    }

    private static async Task<Dictionary<Guid, byte[]>> SealedSecretsAsync(NpgsqlTransaction transaction, Guid tenantId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("select destination_id, sealed_secret from destinations where tenant_id = $1 and sealed_secret is not null", transaction.Connection, transaction);
        command.Parameters.AddWithValue(tenantId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var secrets = new Dictionary<Guid, byte[]>();
        while (await reader.ReadAsync(cancellationToken))
        {
            secrets[reader.GetGuid(0)] = reader.GetFieldValue<byte[]>(1);
        }

        return secrets;
    }

    private static async Task DeleteUnitAsync(NpgsqlTransaction transaction, Guid tenantId, string unitId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("delete from units where tenant_id = $1 and unit_id = $2", transaction.Connection, transaction);
        command.Parameters.AddWithValue(tenantId);
        command.Parameters.AddWithValue(unitId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task WriteUnitsAsync(NpgsqlTransaction transaction, IReadOnlyList<DirectoryUnit> units, IReadOnlyDictionary<Guid, byte[]> keptSecrets, CancellationToken cancellationToken)
    {
        var connection = transaction.Connection!;
        await using (var copy = await connection.BeginBinaryImportAsync(
            "copy units (tenant_id, unit_id, name, leika_keys, areas, contact, version, updated_at, updated_by) from stdin (format binary)", cancellationToken))
        {
            foreach (var unit in units)
            {
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(unit.TenantId, NpgsqlDbType.Uuid, cancellationToken);
                await copy.WriteAsync(unit.UnitId, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(unit.Name, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(unit.LeikaKeys.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(unit.Areas.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(JsonSerializer.Serialize(unit.Contact), NpgsqlDbType.Jsonb, cancellationToken);
                await copy.WriteAsync(unit.Version, NpgsqlDbType.Bigint, cancellationToken);
                await copy.WriteAsync(unit.UpdatedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
                await copy.WriteAsync(unit.UpdatedBy, NpgsqlDbType.Text, cancellationToken);
            }

            await copy.CompleteAsync(cancellationToken);
        }

        await using (var copy = await connection.BeginBinaryImportAsync("copy coverage (tenant_id, leika_key, area, unit_id) from stdin (format binary)", cancellationToken))
        {
            foreach (var unit in units)
            {
                foreach (var key in unit.LeikaKeys)
                {
                    foreach (var area in unit.Areas)
                    {
                        await copy.WriteRowAsync(cancellationToken, unit.TenantId, key, area, unit.UnitId);
                    }
                }
            }

            await copy.CompleteAsync(cancellationToken);
        }

        await using (var copy = await connection.BeginBinaryImportAsync(
            "copy destinations (destination_id, tenant_id, unit_id, position, channel, push_url, sealed_secret, encryption_key, leika_keys) from stdin (format binary)", cancellationToken))
        {
            foreach (var unit in units)
            {
                for (var position = 0; position < unit.Destinations.Count; position++)
                {
                    var destination = unit.Destinations[position];
                    var sealedSecret = destination.CallbackSecret is { } secret
                        ? store.Sealer.Seal(secret, destination.DestinationId.ToByteArray())
                        : keptSecrets.GetValueOrDefault(destination.DestinationId);
                    await copy.StartRowAsync(cancellationToken);
                    await copy.WriteAsync(destination.DestinationId, NpgsqlDbType.Uuid, cancellationToken);
                    await copy.WriteAsync(unit.TenantId, NpgsqlDbType.Uuid, cancellationToken);
                    await copy.WriteAsync(unit.UnitId, NpgsqlDbType.Text, cancellationToken);
                    await copy.WriteAsync(position, NpgsqlDbType.Integer, cancellationToken);
                    await copy.WriteAsync(destination.Channel, NpgsqlDbType.Text, cancellationToken);
                    await WriteNullableAsync(copy, destination.PushUrl, NpgsqlDbType.Text, cancellationToken);
                    await WriteNullableAsync(copy, destination.Channel == Channels.Push ? sealedSecret : null, NpgsqlDbType.Bytea, cancellationToken);
                    await WriteNullableAsync(copy, string.IsNullOrEmpty(destination.EncryptionKey) ? null : JsonWebKeys.PublicOnly(destination.EncryptionKey), NpgsqlDbType.Text,
                        cancellationToken);
                    await copy.WriteAsync(destination.LeikaKeys.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
                }
            }

            await copy.CompleteAsync(cancellationToken);
        }
    }

    private static Task WriteNullableAsync<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type, CancellationToken cancellationToken) =>
        value is null ? copy.WriteNullAsync(cancellationToken) : copy.WriteAsync(value, type, cancellationToken);

    private async Task RecordAsync(
        NpgsqlTransaction transaction, Guid tenantId, long version, string kind, string? unitId, string changedBy, string summary,
        DirectoryUnit? before, DirectoryUnit? after, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using (var command = new NpgsqlCommand(
            "insert into directory_changes (tenant_id, version, kind, unit_id, changed_at, changed_by, summary, before, after) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            transaction.Connection, transaction))
        {
            command.Parameters.AddWithValue(tenantId);
            command.Parameters.AddWithValue(version);
            command.Parameters.AddWithValue(kind);
            command.Parameters.AddWithValue((object?)unitId ?? DBNull.Value);
            command.Parameters.AddWithValue(now);
            command.Parameters.AddWithValue(changedBy);
            command.Parameters.AddWithValue(summary);
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)Snapshot(before) ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Jsonb });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)Snapshot(after) ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Jsonb });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await outbox.AddAsync(transaction, new DirectoryChanged { TenantId = tenantId.ToString(), Version = version, ChangedAt = Timestamp.FromDateTimeOffset(now) },
            tenantId.ToString(), cancellationToken: cancellationToken);
    }

    /// <summary>The unit as recorded in its history: never a secret.</summary>
    private static string? Snapshot(DirectoryUnit? unit) => unit is null
        ? null
        : JsonSerializer.Serialize(unit with { Destinations = [.. unit.Destinations.Select(d => d with { CallbackSecret = null })] });
}
