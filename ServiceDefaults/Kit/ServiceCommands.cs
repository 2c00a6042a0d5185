using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace EfaPlatform.ServiceDefaults.Kit;

/// <summary>A one-off step a service runs instead of serving, for example `EfaPlatform.Forms migrate`.</summary>
public sealed record ServiceCommand(string Name, Func<WebApplication, string[], Task<int>> RunAsync);

/// <summary>A schema step of the migrate command beyond plain SQL (EF Core migrations, publishing a catalog, seeding).</summary>
public sealed record MigrationStep(string Name, Func<IServiceProvider, CancellationToken, Task> RunAsync);

/// <summary>
/// The commands of a service. Every service has `migrate`: the SQL migrations registered with
/// <see cref="AddSqlMigrations"/> (the service's own and, through the event bus, the messaging schema) in one run, then
/// each <see cref="MigrationStep"/> in the order registered. The AppHost runs it before every start; a deployment runs
/// it as a job. Other parts add theirs (the event bus adds `replay-dlq`).
/// </summary>
public static partial class ServiceCommands
{
    public const string Migrate = "migrate";

    public static IServiceCollection AddServiceCommand(this IServiceCollection services, string name, Func<WebApplication, string[], Task<int>> run)
    {
        if (!services.Any(s => s.ServiceType == typeof(ServiceCommand) && s.ImplementationInstance is ServiceCommand existing && existing.Name == name))
        {
            services.AddSingleton(new ServiceCommand(name, run));
        }

        return services;
    }

    public static IServiceCollection AddSqlMigrations(this IServiceCollection services, IEnumerable<SqlMigration> migrations)
    {
        foreach (var migration in migrations)
        {
            services.AddSingleton(migration);
        }

        return services;
    }

    public static IServiceCollection AddMigrationStep(this IServiceCollection services, string name, Func<IServiceProvider, CancellationToken, Task> run) =>
        services.AddSingleton(new MigrationStep(name, run));

    public static ServiceCommand? Find(IServiceProvider services, string[] args) =>
        args.Length == 0 ? null : services.GetServices<ServiceCommand>().FirstOrDefault(command => command.Name == args[0]);

    public static async Task<int> MigrateAsync(WebApplication app, string[] args)
    {
        var migrations = app.Services.GetServices<SqlMigration>().OrderBy(m => m.Id, StringComparer.Ordinal).ToList();
        if (migrations.Count > 0)
        {
            var applied = await SqlMigrator.ApplyAsync(app.Services.GetRequiredService<NpgsqlDataSource>(), migrations);
            LogApplied(app.Logger, applied.Count, string.Join(", ", applied));
        }

        await using var scope = app.Services.CreateAsyncScope();
        foreach (var step in app.Services.GetServices<MigrationStep>())
        {
            LogStep(app.Logger, step.Name);
            await step.RunAsync(scope.ServiceProvider, CancellationToken.None);
        }

        return 0;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied {Count} SQL migrations: {Migrations}")]
    private static partial void LogApplied(ILogger logger, int count, string migrations);

    [LoggerMessage(Level = LogLevel.Information, Message = "Migration step: {Step}")]
    private static partial void LogStep(ILogger logger, string step);
}
