using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using EfaPlatform.ServiceDefaults;
using Npgsql;

namespace EfaPlatform.Forms.Definitions;

/// <summary>A published definition as stored: the manifest text is the source of truth.</summary>
public sealed record PublishedDefinition(OnlineServiceDefinition Definition, string Manifest, DateTimeOffset PublishedAt);

/// <summary>
/// Published online-service definitions in PostgreSQL. A published version is immutable: publishing it again with other
/// content fails. Because it never changes, each version is read from its manifest once per process and then kept.
/// </summary>
public sealed class DefinitionStore(NpgsqlDataSource dataSource)
{
    private readonly ConcurrentDictionary<(string Id, int Version), PublishedDefinition> _read = new();

    /// <returns>True when the version was new; false when exactly this manifest was published before.</returns>
    /// <exception cref="InvalidOperationException">The version was published before with other content.</exception>
    public async Task<bool> PublishAsync(OnlineServiceDefinition definition, string manifest, CancellationToken cancellationToken)
    {
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(manifest)));
        await using var insert = dataSource.CreateCommand("""
            insert into service_definitions (service_id, version, leika_key, manifest, manifest_hash) values ($1, $2, $3, $4, $5)
            on conflict (service_id, version) do nothing
            """);
        insert.Parameters.AddWithValue(definition.Id);
        insert.Parameters.AddWithValue(definition.Version);
        insert.Parameters.AddWithValue(definition.LeikaKey);
        insert.Parameters.AddWithValue(manifest);
        insert.Parameters.AddWithValue(hash);
        if (await insert.ExecuteNonQueryAsync(cancellationToken) == 1)
        {
            CatalogResponseCache.Invalidate();
            return true;
        }

        await using var existing = dataSource.CreateCommand("select manifest_hash from service_definitions where service_id = $1 and version = $2");
        existing.Parameters.AddWithValue(definition.Id);
        existing.Parameters.AddWithValue(definition.Version);
        if ((string?)await existing.ExecuteScalarAsync(cancellationToken) != hash)
        {
            throw new InvalidOperationException(
                $"{definition.Id} version {definition.Version} is published already with other content; a published version never changes. Publish the change as version {definition.Version + 1}.");
        }

        return false;
    }

    /// <summary>The version asked for, or the latest when <paramref name="version"/> is 0.</summary>
    public async Task<PublishedDefinition?> GetAsync(string serviceId, int version, CancellationToken cancellationToken)
    {
        if (version > 0 && _read.TryGetValue((serviceId, version), out var known))
        {
            return known;
        }

        await using var command = dataSource.CreateCommand("""
            select service_id, version, published_at from service_definitions
            where service_id = $1 and ($2 = 0 or version = $2) order by version desc limit 1
            """);
        command.Parameters.AddWithValue(serviceId);
        command.Parameters.AddWithValue(version);
        var found = await ReadAsync(command, cancellationToken);
        return found.FirstOrDefault();
    }

    /// <summary>As <see cref="GetAsync"/>, refusing with NOT_FOUND when there is no such version.</summary>
    public async Task<PublishedDefinition> RequireAsync(string serviceId, int version, CancellationToken cancellationToken) =>
        await GetAsync(serviceId, version, cancellationToken)
        ?? throw FieldErrors.NotFound($"The online service '{serviceId}'{(version > 0 ? $" version {version}" : "")}");

    public async Task<IReadOnlyList<PublishedDefinition>> ListLatestAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            select distinct on (service_id) service_id, version, published_at from service_definitions
            order by service_id, version desc
            """);
        return await ReadAsync(command, cancellationToken);
    }

    private async Task<List<PublishedDefinition>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<(string Id, int Version, DateTimeOffset PublishedAt)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetString(0), reader.GetInt32(1), reader.GetFieldValue<DateTimeOffset>(2)));
            }
        }

        var definitions = new List<PublishedDefinition>();
        foreach (var row in rows)
        {
            if (_read.TryGetValue((row.Id, row.Version), out var known))
            {
                definitions.Add(known);
                continue;
            }

            // Read once per version and process: the manifest text stays in the database until then.
            var manifest = await ManifestOfAsync(row.Id, row.Version, cancellationToken);
            var (definition, problems) = ManifestReader.Read(row.Id, manifest);
            var published = new PublishedDefinition(
                definition ?? throw new InvalidOperationException($"Stored manifest of {row.Id} no longer reads: {string.Join("; ", problems)}"),
                manifest, row.PublishedAt);
            definitions.Add(_read.GetOrAdd((row.Id, row.Version), published));
        }

        return definitions;
    }

    private async Task<string> ManifestOfAsync(string serviceId, int version, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("select manifest from service_definitions where service_id = $1 and version = $2");
        command.Parameters.AddWithValue(serviceId);
        command.Parameters.AddWithValue(version);
        return (string)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
