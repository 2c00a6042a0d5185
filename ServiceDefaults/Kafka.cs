using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace EfaPlatform.ServiceDefaults;

/// <summary>Where the Kafka cluster is: ConnectionStrings:kafka holds its bootstrap servers.</summary>
public sealed record KafkaConnection(string BootstrapServers);

public static class Kafka
{
    public static IHostApplicationBuilder AddEfaKafka(this IHostApplicationBuilder builder, string connectionName = "kafka")
    {
        if (builder.Services.Any(service => service.ServiceType == typeof(KafkaConnection)))
        {
            return builder;
        }

        builder.Services.AddSingleton(new KafkaConnection(ConnectionStrings.Require(builder.Configuration, connectionName)));
        builder.Services.AddSingleton<KafkaHealthCheck>();
        builder.Services.AddHealthChecks().AddCheck<KafkaHealthCheck>(connectionName);
        return builder;
    }

    private sealed class KafkaHealthCheck(KafkaConnection connection) : IHealthCheck, IDisposable
    {
        private readonly Lazy<IAdminClient> _admin = new(() =>
            new AdminClientBuilder(new AdminClientConfig { BootstrapServers = connection.BootstrapServers })
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
