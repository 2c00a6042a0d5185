using EfaPlatform.ServiceDefaults;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace EfaPlatform.Forms.Drafts;

public sealed record StoredDraft(int Version, string Answers, DateTimeOffset SavedAt);

/// <summary>
/// Drafts in Redis under forms:draft:{owner}:{service} with a time to live. The owner is always a token's subject,
/// so nobody can name, read or overwrite another person's draft.
/// </summary>
public sealed class DraftStore(IConnectionMultiplexer redis, RedisKeys keys, IOptions<FormsOptions> options)
{
    public Task SaveAsync(string owner, string serviceId, StoredDraft draft) =>
        redis.GetDatabase().StringSetAsync(Key(owner, serviceId), JsonSerializer.Serialize(draft), options.Value.DraftLifetime);

    public async Task<StoredDraft?> GetAsync(string owner, string serviceId)
    {
        var value = await redis.GetDatabase().StringGetAsync(Key(owner, serviceId));
        return value.HasValue ? JsonSerializer.Deserialize<StoredDraft>(value.ToString()) : null;
    }

    public Task DeleteAsync(string owner, string serviceId) => redis.GetDatabase().KeyDeleteAsync(Key(owner, serviceId));

    private RedisKey Key(string owner, string serviceId) => keys.For("draft", $"{owner}:{serviceId}");
}
