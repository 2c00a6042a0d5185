using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace EfaPlatform.ServiceDefaults;

public static class Postgres
{
    /// <summary>Registers one <see cref="NpgsqlDataSource"/> for the service's own database, with a health check.</summary>
    public static IHostApplicationBuilder AddEfaPostgres(this IHostApplicationBuilder builder, string connectionName = "postgres")
    {
        var connectionString = ConnectionStrings.Require(builder.Configuration, connectionName);
        builder.Services.AddSingleton(_ => InfrastructureFailures.Track(new NpgsqlDataSourceBuilder(connectionString).Build()));
        builder.Services.AddHealthChecks().AddCheck<PostgresHealthCheck>(connectionName);
        return builder;
    }

    private sealed class PostgresHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using var command = dataSource.CreateCommand("select 1");
                await command.ExecuteScalarAsync(cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                InfrastructureFailures.ForgetBrokenConnections(e);
                return HealthCheckResult.Unhealthy("PostgreSQL is not reachable.", e);
            }
        }
    }
}
