using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace EfaPlatform.ServiceDefaults;

/// <summary>What every EfaPlatform process gets: telemetry, health, service discovery and resilient HTTP clients.</summary>
public static class Extensions
{
    public const string HealthPath = "/health";
    public const string AlivePath = "/alive";
    private const string LiveTag = "live";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddEfaTelemetry();
        // One clock for everything that reads the time, replaceable in tests.
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        builder.Services.AddGrpc();
        builder.Services.AddGrpcHealthChecks();
        builder.Services.AddServiceDiscovery();
        // Services sit behind the gateway: the caller's host and scheme arrive as X-Forwarded-* from it. Only proxies in
        // ForwardedHeaders:KnownNetworks/KnownProxies (and loopback) are believed.
        builder.AddEfaForwardedHeaders();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });
        return builder;
    }

    /// <summary>
    /// /health answers 200 only when every dependency is reachable (readiness); /alive only says the process runs.
    /// Both exist in every environment: orchestrators need them in production most of all.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseMiddleware<OutageMiddleware>();
        app.UseMiddleware<RestProblems>();
        app.UseMiddleware<RestRequestGuard>();
        app.MapHealthChecks(HealthPath);
        app.MapHealthChecks(AlivePath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(LiveTag) });
        app.MapGrpcHealthChecksService();
        return app;
    }
}
