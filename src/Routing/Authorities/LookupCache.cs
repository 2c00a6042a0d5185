using System.Text.Json;
using EfaPlatform.ServiceDefaults;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace EfaPlatform.Routing.Authorities;

/// <summary>
/// Lookups cached in Redis under the directory version they were answered from ("routing:lookup:{tenant}:{version}:…"),
/// next to the directory's current version ("routing:directory-version:{tenant}"). A change sets the current version
/// as soon as it is committed, and the change event sets it again where that write did not happen (Redis away for a
/// moment, a crash in between; the event is retried until it succeeds): entries of older versions are never read again
/// and expire. Redis being away only makes lookups slower.
/// </summary>
public sealed partial class LookupCache(IConnectionMultiplexer redis, RedisKeys keys, IOptions<RoutingOptions> options, ILogger<LookupCache> logger)
{
    // Sets the version only forwards: a late event of an older change does not bring older entries back.
    private const string SetForward = """
        local current = tonumber(redis.call('GET', KEYS[1]) or '0')
        if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[1], ARGV[1]) end
        return 1
        """;

    public async Task<long?> CurrentVersionAsync(Guid tenantId)
    {
        try
        {
            var value = await redis.GetDatabase().StringGetAsync(VersionKey(tenantId));
            return value.HasValue && long.TryParse(value.ToString(), out var version) ? version : null;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogUnavailable(logger, e.GetType().Name);
            return null;
        }
    }

    public async Task<CachedResponsibility?> GetAsync(Guid tenantId, long version, string leikaKey, string ars)
    {
        try
        {
            var value = await redis.GetDatabase().StringGetAsync(EntryKey(tenantId, version, leikaKey, ars));
            return value.HasValue ? JsonSerializer.Deserialize<CachedResponsibility>(value.ToString()) : null;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogUnavailable(logger, e.GetType().Name);
            return null;
        }
    }

    public async Task PutAsync(Guid tenantId, string leikaKey, string ars, CachedResponsibility answer)
    {
        try
        {
            var database = redis.GetDatabase();
            await database.ScriptEvaluateAsync(SetForward, [VersionKey(tenantId)], [answer.DirectoryVersion]);
            await database.StringSetAsync(EntryKey(tenantId, answer.DirectoryVersion, leikaKey, ars), JsonSerializer.Serialize(answer), options.Value.LookupCacheLifetime);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogUnavailable(logger, e.GetType().Name);
        }
    }

    public async Task DirectoryChangedAsync(Guid tenantId, long version, bool throwWhenUnavailable = false)
    {
        try
        {
            await redis.GetDatabase().ScriptEvaluateAsync(SetForward, [VersionKey(tenantId)], [version]);
        }
        catch (Exception e) when (e is RedisException or TimeoutException && !throwWhenUnavailable)
        {
            // The change event sets it when Redis is back; until then lookups read PostgreSQL (see CurrentVersionAsync).
            LogUnavailable(logger, e.GetType().Name);
        }
    }

    private RedisKey VersionKey(Guid tenantId) => keys.For("directory-version", tenantId.ToString());

    private RedisKey EntryKey(Guid tenantId, long version, string leikaKey, string ars) => keys.For("lookup", $"{tenantId}:{version}:{leikaKey}:{ars}");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lookup cache unavailable ({Error}); answering from PostgreSQL")]
    private static partial void LogUnavailable(ILogger logger, string error);
}

/// <summary>A lookup's answer as cached; UnitId null when nobody is responsible.</summary>
public sealed record CachedResponsibility(
    long DirectoryVersion, string? UnitId, string? UnitName, string? MatchedArea, Guid? DestinationId, string? Channel, UnitContact? Contact);
