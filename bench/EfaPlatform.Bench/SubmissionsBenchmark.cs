using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using EfaPlatform.AppHost;
using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.Bench;

/// <summary>
/// Submissions per second through the gateway with the whole platform running: eID-signed-in citizens submit the
/// certificate of good conduct to the development municipality, each submit with its own idempotency key (validation,
/// trust check, reference number, PostgreSQL transaction with history and outbox row).
/// </summary>
internal static class SubmissionsBenchmark
{
    public static async Task RunAsync(int concurrency, TimeSpan duration)
    {
        await using var platform = await PlatformProcess.StartAsync(["--Logging:LogLevel:Default=Warning"]);
        var gateway = await platform.EndpointAsync("gateway", "http");
        var tokens = new List<string>();
        foreach (var person in new[] { "dev-erika-mustermann", "dev-max-mustermann" })
        {
            using var oidc = new OidcClient(gateway);
            var (_, body) = await oidc.SignInWithDevelopmentEidAsync(person);
            tokens.Add(body.GetProperty("access_token").GetString()!);
        }

        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = new Uri(gateway) };
        var request = new { tenantId = DevelopmentTenant.Id, serviceId = "fuehrungszeugnis", answers = SampleAnswers.PrivateCertificate(), language = "de" };
        var sent = 0;

        async Task<double> SubmitAsync()
        {
            var started = Stopwatch.GetTimestamp();
            using var message = new HttpRequestMessage(HttpMethod.Post, "/api/forms/v1/submissions") { Content = JsonContent.Create(request) };
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[Interlocked.Increment(ref sent) % tokens.Count]);
            message.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            using var response = await client.SendAsync(message);
            response.EnsureSuccessStatusCode();
            await response.Content.ReadAsByteArrayAsync();
            return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        await LoadLoop.ReportAsync("submit", "Führungszeugnis, through the gateway", "submissions", concurrency, duration, SubmitAsync);

        var registration = new { answers = SampleAnswers.Registration(persons: 10), language = "de" };
        async Task<double> ValidateAsync()
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await client.PostAsJsonAsync("/api/forms/v1/services/anmeldung-wohnung/validate", registration);
            response.EnsureSuccessStatusCode();
            await response.Content.ReadAsByteArrayAsync();
            return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        await LoadLoop.ReportAsync("validate", "Anmeldung, 10 persons, through the gateway", "validations", concurrency, duration, ValidateAsync, warmUpCalls: 0);
    }
}
