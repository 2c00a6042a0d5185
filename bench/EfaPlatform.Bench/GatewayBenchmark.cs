using System.Diagnostics;
using System.Globalization;
using System.Text;
using EfaPlatform.AppHost.Hosting;
using EfaPlatform.AppHost.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace EfaPlatform.Bench;

/// <summary>Requests per second and latency of one REST call, straight to a backend and through the gateway, in one run.</summary>
internal static class GatewayBenchmark
{
    public static async Task RunAsync(int concurrency, TimeSpan duration)
    {
        var backendPort = Ports.FindFree();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenLocalhost(backendPort, listen => listen.Protocols = HttpProtocols.Http1));
        await using var backend = builder.Build();
        backend.MapPost("/api/probe/v1/echo", async (Microsoft.AspNetCore.Http.HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            return Microsoft.AspNetCore.Http.Results.Text(await reader.ReadToEndAsync(), "application/json");
        });
        await backend.StartAsync();
        var backendUrl = $"http://127.0.0.1:{backendPort}";

        await using var issuer = await EfaPlatform.TestInfrastructure.TestIssuer.StartAsync();
        var token = issuer.Issue(EfaPlatform.TestInfrastructure.TestIssuer.Person("bench-user", role: "citizen"));
        var gateway = new ProjectResource("gateway", "src/Gateway/EfaPlatform.Gateway.csproj")
            .WithHttpEndpoint()
            .WithEnvironment("services__probe__http__0", backendUrl)
            .WithEnvironment("Authentication__Authority", issuer.Issuer)
            .WithEnvironment("Logging__LogLevel__Default", "Warning")
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", "Production");
        await gateway.StartAsync(CancellationToken.None);
        try
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"gateway: {concurrency} concurrent clients, {duration.TotalSeconds:0} s per target, POST 64-byte JSON"));
            await MeasureAsync("straight to backend", $"{backendUrl}/api/probe/v1/echo", concurrency, duration);
            await MeasureAsync("through gateway", $"{gateway.HttpUrl}/api/probe/v1/echo", concurrency, duration);
            await MeasureAsync("gateway + bearer JWT", $"{gateway.HttpUrl}/api/probe/v1/echo", concurrency, duration, token);
        }
        finally
        {
            await gateway.StopAsync();
        }
    }

    private static async Task MeasureAsync(string label, string url, int concurrency, TimeSpan duration, string? bearerToken = null)
    {
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, UseProxy = false });
        if (bearerToken is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearerToken);
        }

        var body = "{\"text\":\"" + new string('x', 52) + "\"}";
        async Task<double> CallAsync()
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await client.PostAsync(url, new StringContent(body, Encoding.UTF8, "application/json"));
            response.EnsureSuccessStatusCode();
            await response.Content.ReadAsByteArrayAsync();
            return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        // Warm-up: connections, JIT.
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () => { for (var i = 0; i < 200; i++) { await CallAsync(); } })));

        var (all, elapsed) = await LoadLoop.RunAsync(concurrency, duration, CallAsync);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {label,-20} {all.Count / elapsed.TotalSeconds,8:0} requests/s, {Percentiles.Describe(all)}"));
    }
}
