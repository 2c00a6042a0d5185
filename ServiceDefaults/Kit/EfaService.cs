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

}

/// <summary>
/// The service kit: one way to build a platform service. A service's Program.cs is
/// <code>
/// var builder = WebApplication.CreateBuilder(args);
/// builder.AddEfaService(ServiceStores.Postgres);
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

        // Every service has changing RPCs, and every changing RPC takes an idempotency key, kept in Redis
        // (ConnectionStrings:redis): so every service uses Redis.
        builder.AddEfaRedis();
        builder.AddEfaIdempotency();

        builder.Services.AddServiceCommand(ServiceCommands.Migrate, ServiceCommands.MigrateAsync);
        // Above the gateway's own limits (Gateway:MaxRequestTargetBytes, MaxRequestHeadersBytes), so that whatever the
        // gateway lets through also fits here; an empty refusal from Kestrel would reach the caller without a problem document.
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(kestrel =>
        {
            kestrel.Limits.MaxRequestLineSize = 32 * 1024;
            kestrel.Limits.MaxRequestHeadersTotalSize = 64 * 1024;
            kestrel.Limits.Http2.MaxRequestHeaderFieldSize = 64 * 1024;
        });
        return builder;
    }

    /// <summary>
    /// Runs the one-off command the arguments name (migrate, replay-dlq, …) and returns its exit code; without one,
    /// serves: the kit's endpoints (health, OpenAPI, reflection) around the service's own (<paramref name="mapEndpoints"/>,
    /// which adds the service's middleware and maps its gRPC services; authentication and authorization follow it).
    /// </summary>
    public static async Task<int> RunEfaServiceAsync(this WebApplication app, string[] args, Action<WebApplication> mapEndpoints)
    {
        if (ServiceCommands.Find(app.Services, args) is { } command)
        {
            return await command.RunAsync(app, args[1..]);
        }

        app.MapDefaultEndpoints();
        mapEndpoints(app);
        // After the service's own middleware (which may need to run first, like forms' catalog cache), before any
        // endpoint: a service cannot forget them, and they never end up ahead of the REST edge that writes problems.
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGrpcReflectionService();
        app.MapEfaOpenApi();
        await app.RunAsync();
        return 0;
    }
}
