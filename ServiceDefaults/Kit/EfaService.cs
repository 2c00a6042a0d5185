using EfaPlatform.ServiceDefaults.Auth;
using EfaPlatform.ServiceDefaults.OpenApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace EfaPlatform.ServiceDefaults.Kit;

/// <summary>What a service keeps in which store; everything else the kit gives every service.</summary>
[Flags]
public enum ServiceStores
{
    None = 0,

    /// <summary>Its own PostgreSQL database (ConnectionStrings:postgres), with the migrate command.</summary>
    Postgres = 1,

    /// <summary>Redis (ConnectionStrings:redis), and with it idempotency keys on every changing RPC.</summary>
    Redis = 2,
}

/// <summary>
/// The service kit: one way to build a platform service. A service's Program.cs is
/// <code>
/// var builder = WebApplication.CreateBuilder(args);
/// builder.AddEfaService(ServiceStores.Postgres | ServiceStores.Redis);
/// builder.AddFormsServices();                      // its own registrations (and its event bus)
/// var app = builder.Build();
/// return await app.RunEfaServiceAsync(args, app => app.MapFormsEndpoints());
/// </code>
/// The service's name comes from its application name (<see cref="ServiceName"/>); from it derive the CloudEvents
/// source, topic and consumer group, the OpenAPI path, the Redis prefix and the scope a machine client needs.
/// Authentication, gRPC with REST transcoding, the request edge (text rule, problem documents, storage errors as 503
/// and 409), idempotency, health, telemetry and the one-off commands (<see cref="ServiceCommands"/>) come with it.
/// </summary>
public static class EfaService
{
    public static WebApplicationBuilder AddEfaService(this WebApplicationBuilder builder, ServiceStores stores)
    {
        builder.AddServiceDefaults();
        builder.AddEfaAuthentication();
        builder.AddEfaGrpcApi();
        if (stores.HasFlag(ServiceStores.Postgres))
        {
            builder.AddEfaPostgres();
        }

        if (stores.HasFlag(ServiceStores.Redis))
        {
            builder.AddEfaRedis();
            builder.AddEfaIdempotency();
        }

        builder.Services.AddServiceCommand(ServiceCommands.Migrate, ServiceCommands.MigrateAsync);
        return builder;
    }

    /// <summary>
    /// Runs the one-off command the arguments name (migrate, replay-dlq, …) and returns its exit code; without one,
    /// serves: the kit's endpoints (health, OpenAPI, reflection) around the service's own (<paramref name="mapEndpoints"/>).
    /// </summary>
    public static async Task<int> RunEfaServiceAsync(this WebApplication app, string[] args, Action<WebApplication> mapEndpoints)
    {
        if (ServiceCommands.Find(app.Services, args) is { } command)
        {
            return await command.RunAsync(app, args[1..]);
        }

        app.MapDefaultEndpoints();
        mapEndpoints(app);
        app.MapGrpcReflectionService();
        app.MapEfaOpenApi();
        await app.RunAsync();
        return 0;
    }
}
