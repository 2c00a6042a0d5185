using EfaPlatform.Gateway.Auth;
using EfaPlatform.Gateway.Correlation;
using EfaPlatform.Gateway.Errors;
using EfaPlatform.Gateway.Routing;
using EfaPlatform.ServiceDefaults.Auth;
using Microsoft.Extensions.Options;

namespace EfaPlatform.Gateway;

public static class Extensions
{
    public static IHostApplicationBuilder AddGatewayServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<GatewayOptions>()
            .Bind(builder.Configuration.GetSection(GatewayOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddProblemDetails();
        builder.AddEfaAuthentication();
        builder.Services.AddSingleton<IConfigureOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>, KestrelLimits>();

        var (routes, clusters) = ServiceRoutes.FromServiceDiscovery(builder.Configuration,
            builder.Configuration.GetSection(GatewayOptions.SectionName).Get<GatewayOptions>() ?? new GatewayOptions());
        builder.Services.AddReverseProxy().LoadFromMemory(routes, clusters);
        return builder;
    }

    public static WebApplication UseGatewayPipeline(this WebApplication app)
    {
        app.UseMiddleware<CorrelationIdMiddleware>();
        app.UseMiddleware<RequestSizeLimitMiddleware>();
        app.UseMiddleware<IdempotencyKeyGate>();
        app.UseMiddleware<BearerTokenGate>();
        return app;
    }

    public static WebApplication MapGatewayRoutes(this WebApplication app)
    {
        app.MapReverseProxy(proxy => proxy.UseMiddleware<BackendErrorMiddleware>());
        app.MapFallback(GatewayProblems.UnknownRoute);
        return app;
    }

    private sealed class KestrelLimits(IOptions<GatewayOptions> options) : IConfigureOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>
    {
        public void Configure(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions kestrel) =>
            kestrel.Limits.MaxRequestBodySize = options.Value.MaxRequestBodyBytes;
    }
}
