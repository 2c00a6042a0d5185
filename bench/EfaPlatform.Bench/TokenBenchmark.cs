using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.Bench;

/// <summary>Client credentials tokens per second from /connect/token through the gateway, with the whole platform running.</summary>
internal static class TokenBenchmark
{
    public static async Task RunAsync(int concurrency, TimeSpan duration)
    {
        await using var platform = await PlatformProcess.StartAsync(["--Logging:LogLevel:Default=Warning"]);
        var gateway = await platform.EndpointAsync("gateway", "http");
        var secret = platform.Secret("identity-seed-client");
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = new Uri(gateway) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"heidelberg-fachverfahren:{secret}")));

        async Task<double> IssueAsync()
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials", ["scope"] = "efa.forms",
            }));
            response.EnsureSuccessStatusCode();
            await response.Content.ReadAsByteArrayAsync();
            return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        await LoadLoop.ReportAsync("token endpoint", "client credentials, through the gateway", "tokens", concurrency, duration, IssueAsync);
    }
}
