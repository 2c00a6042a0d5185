using EfaPlatform.AppHost.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace EfaPlatform.ServiceDefaults.Tests;

/// <summary>A minimal service on real Kestrel ports, set up the way every platform service is.</summary>
internal sealed class ServiceHost : IAsyncDisposable
{
    private ServiceHost(WebApplication app, int httpPort, int grpcPort)
    {
        App = app;
        HttpUrl = $"http://127.0.0.1:{httpPort}";
        GrpcUrl = $"http://127.0.0.1:{grpcPort}";
    }

    public WebApplication App { get; }

    public string HttpUrl { get; }

    public string GrpcUrl { get; }

    public static async Task<ServiceHost> StartAsync(
        Dictionary<string, string?> configuration, Action<WebApplicationBuilder> addServices,
        Action<int, Dictionary<string, string?>>? selfConfiguration = null, Action<WebApplication>? mapEndpoints = null)
    {
        var (httpPort, grpcPort) = (Ports.FindFree(), Ports.FindFree());
        selfConfiguration?.Invoke(httpPort, configuration);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ListenLocalhost(httpPort, listen => listen.Protocols = HttpProtocols.Http1);
            kestrel.ListenLocalhost(grpcPort, listen => listen.Protocols = HttpProtocols.Http2);
        });
        builder.AddServiceDefaults();
        addServices(builder);
        var app = builder.Build();
        app.MapDefaultEndpoints();
        if (mapEndpoints is not null)
        {
            app.UseAuthentication();
            app.UseAuthorization();
            mapEndpoints(app);
        }

        await app.StartAsync();
        return new ServiceHost(app, httpPort, grpcPort);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
