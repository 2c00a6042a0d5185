using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace EfaPlatform.ServiceDefaults;

public static class Redis
{
    /// <summary>Registers the process's one <see cref="IConnectionMultiplexer"/>, with a health check.</summary>
    public static IHostApplicationBuilder AddEfaRedis(this IHostApplicationBuilder builder, string connectionName = "redis")
    {
        var options = ConfigurationOptions.Parse(ConnectionStrings.Require(builder.Configuration, connectionName));
        // Start even when Redis is not up yet; the health check reports it until it is.
        options.AbortOnConnectFail = false;
        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options));
        builder.Services.AddSingleton<RedisKeys>();
        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>(connectionName);
        return builder;
    }

    private sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await redis.GetDatabase().PingAsync();
                return HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy("Redis is not reachable.", e);
            }
        }
    }
}

/// <summary>
/// The names of this service's keys in Redis: "{service}:{purpose}:{id}" (forms:draft:…, identity:totp-step:…), the
/// prefix derived from the service's name, so that services sharing one Redis never collide.
/// </summary>
public sealed class RedisKeys(IHostEnvironment environment)
{
    private readonly string _prefix = ServiceName.Of(environment) + ":";

    public RedisKey For(string purpose, string id) => $"{_prefix}{purpose}:{id}";
}
