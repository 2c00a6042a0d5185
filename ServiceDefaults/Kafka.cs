using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace EfaPlatform.ServiceDefaults;

/// <summary>
/// Where the Kafka cluster is (ConnectionStrings:kafka holds its bootstrap servers) and how to reach it: any librdkafka
/// setting under "Messaging:Kafka" (security.protocol, sasl.mechanism, ssl.ca.location, …) goes to every client.
/// </summary>
public sealed record KafkaConnection(string BootstrapServers, IReadOnlyDictionary<string, string> Settings)
{
    public const string SettingsSection = "Messaging:Kafka";

    /// <summary>Settings the platform's delivery guarantees rest on: configuration may not change them.</summary>
    public static readonly IReadOnlySet<string> Reserved = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "bootstrap.servers", "group.id", "enable.idempotence", "acks", "enable.auto.commit", "enable.auto.offset.store",
    };

    public KafkaConnection(string bootstrapServers)
        : this(bootstrapServers, new Dictionary<string, string>())
    {
    }

    /// <summary>Sets the bootstrap servers and the configured settings on a client configuration.</summary>
    public TConfig Apply<TConfig>(TConfig config) where TConfig : ClientConfig
    {
        config.BootstrapServers = BootstrapServers;
        foreach (var (key, value) in Settings)
        {
            config.Set(key, value);
        }

        return config;
    }

    public static KafkaConnection FromConfiguration(IConfiguration configuration, string connectionName)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var setting in configuration.GetSection(SettingsSection).GetChildren())
        {
            if (setting.Value is null)
            {
                continue;
            }

            if (Reserved.Contains(setting.Key))
            {
                throw new InvalidOperationException(
                    $"{SettingsSection}:{setting.Key} cannot be configured: the platform sets it ({string.Join(", ", Reserved)} are reserved).");
            }

            settings[setting.Key] = setting.Value;
        }

        return new KafkaConnection(ConnectionStrings.Require(configuration, connectionName), settings);
    }
}

public static class Kafka
{
    public static IHostApplicationBuilder AddEfaKafka(this IHostApplicationBuilder builder, string connectionName = "kafka")
    {
        if (builder.Services.Any(service => service.ServiceType == typeof(KafkaConnection)))
        {
            return builder;
        }

        builder.Services.AddSingleton(KafkaConnection.FromConfiguration(builder.Configuration, connectionName));
        builder.Services.AddSingleton<KafkaHealthCheck>();
        builder.Services.AddHealthChecks().AddCheck<KafkaHealthCheck>(connectionName);
        return builder;
    }

    private sealed class KafkaHealthCheck(KafkaConnection connection) : IHealthCheck, IDisposable
    {
        private readonly Lazy<IAdminClient> _admin = new(() =>
            new AdminClientBuilder(connection.Apply(new AdminClientConfig()))
                .SetLogHandler((_, _) => { })
                .Build());

        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var metadata = _admin.Value.GetMetadata(TimeSpan.FromSeconds(3));
                return Task.FromResult(metadata.Brokers.Count > 0
                    ? HealthCheckResult.Healthy($"{metadata.Brokers.Count} brokers")
                    : HealthCheckResult.Unhealthy("Kafka has no reachable broker."));
            }
            catch (KafkaException e)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy("Kafka is not reachable.", e));
            }
        }

        public void Dispose()
        {
            if (_admin.IsValueCreated)
            {
                _admin.Value.Dispose();
            }
        }
    }
}
