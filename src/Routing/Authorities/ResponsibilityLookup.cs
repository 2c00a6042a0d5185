using System.Text.Json;
using Npgsql;

namespace EfaPlatform.Routing.Authorities;

/// <summary>
/// Who is responsible for a LeiKa key at a place (ARS): the unit covering the longest of the ARS's prefixes
/// (municipality, Gemeindeverband, district, Land), and its first destination that takes the key.
/// </summary>
public sealed class ResponsibilityLookup(NpgsqlDataSource dataSource, LookupCache cache)
{
    private const string Query = """
        select (select version from directories where tenant_id = $1), c.area, u.unit_id, u.name, u.contact, d.destination_id, d.channel
        from (select 1) one
        left join lateral (
            select area, unit_id from coverage where tenant_id = $1 and leika_key = $2 and area = any($3) order by length(area) desc limit 1
        ) c on true
        left join units u on u.tenant_id = $1 and u.unit_id = c.unit_id
        left join lateral (
            select destination_id, channel from destinations
            where tenant_id = $1 and unit_id = c.unit_id and (cardinality(leika_keys) = 0 or $2 = any(leika_keys))
            order by position limit 1
        ) d on true
        """;

    public async Task<CachedResponsibility> FindAsync(Guid tenantId, string leikaKey, string ars, CancellationToken cancellationToken)
    {
        if (await cache.CurrentVersionAsync(tenantId) is { } version && await cache.GetAsync(tenantId, version, leikaKey, ars) is { } cached)
        {
            return cached;
        }

        var answer = await FromDatabaseAsync(tenantId, leikaKey, ars, cancellationToken);
        await cache.PutAsync(tenantId, leikaKey, ars, answer);
        return answer;
    }

    private async Task<CachedResponsibility> FromDatabaseAsync(Guid tenantId, string leikaKey, string ars, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Query);
        command.Parameters.AddWithValue(tenantId);
        command.Parameters.AddWithValue(leikaKey);
        command.Parameters.AddWithValue(new[] { ars[..2], ars[..5], ars[..9], ars });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var version = reader.IsDBNull(0) ? 0 : reader.GetInt64(0);
        return reader.IsDBNull(2)
            ? new CachedResponsibility(version, null, null, null, null, null, null)
            : new CachedResponsibility(
                version, reader.GetString(2), reader.GetString(3), reader.GetString(1),
                reader.IsDBNull(5) ? null : reader.GetGuid(5), reader.IsDBNull(6) ? null : reader.GetString(6),
                JsonSerializer.Deserialize<UnitContact>(reader.GetString(4)));
    }
}
