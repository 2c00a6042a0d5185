using EfaPlatform.ServiceDefaults;
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
        // File uploads pass the REST edge's JSON rule here; the documents service checks what they are.
        builder.Services.AddSingleton(services => new RawRequestBodyPaths(services.GetRequiredService<IOptions<GatewayOptions>>().Value.FileUploadPaths));
        builder.Services.AddProblemDetails();
        // Large JSON (the catalog, submission lists) travels compressed to callers that accept it.
        builder.Services.AddResponseCompression(compression =>
        {
            compression.EnableForHttps = true;
            compression.Providers.Add<Microsoft.AspNetCore.ResponseCompression.BrotliCompressionProvider>();
            compression.Providers.Add<Microsoft.AspNetCore.ResponseCompression.GzipCompressionProvider>();
            compression.MimeTypes = ["application/json", "application/problem+json", "text/html", "text/css", "application/javascript"];
        });
        builder.AddEfaAuthentication();
        builder.Services.AddSingleton<IConfigureOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>, KestrelLimits>();

        var (routes, clusters) = ServiceRoutes.FromServiceDiscovery(builder.Configuration,
            builder.Configuration.GetSection(GatewayOptions.SectionName).Get<GatewayOptions>() ?? new GatewayOptions());
        builder.Services.AddReverseProxy().LoadFromMemory(routes, clusters);
        builder.AddGatewayReflection();
        return builder;
    }

    public static WebApplication UseGatewayPipeline(this WebApplication app)
    {
        app.UseMiddleware<CorrelationIdMiddleware>();
        app.UseResponseCompression();
        app.UseMiddleware<RequestHeadLimitMiddleware>();
        app.UseMiddleware<RequestSizeLimitMiddleware>();
        app.UseMiddleware<IdempotencyKeyGate>();
        app.UseMiddleware<BearerTokenGate>();
        return app;
    }

    public static WebApplication MapGatewayRoutes(this WebApplication app)
    {
        app.MapReverseProxy(proxy => proxy.UseMiddleware<BackendErrorMiddleware>());
        app.MapGatewayReflection();
        app.MapFallback(GatewayProblems.UnknownRoute);
        return app;
    }

    private sealed class KestrelLimits(IOptions<GatewayOptions> options) : IConfigureOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>
    {
        // Kestrel's own limits sit at twice the gateway's, so that requests between the two get a problem document from
        // RequestHeadLimitMiddleware; Kestrel answers only what is far beyond them (with an empty body, before any middleware).
        public void Configure(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions kestrel)
        {
            kestrel.Limits.MaxRequestBodySize = Math.Max(options.Value.MaxRequestBodyBytes, options.Value.MaxFileUploadBytes);
            kestrel.Limits.MaxRequestLineSize = 2 * options.Value.MaxRequestTargetBytes + 64;
            kestrel.Limits.MaxRequestHeadersTotalSize = 2 * options.Value.MaxRequestHeadersBytes;
            kestrel.Limits.Http2.MaxRequestHeaderFieldSize = 2 * options.Value.MaxRequestHeadersBytes;
        }
    }
}
