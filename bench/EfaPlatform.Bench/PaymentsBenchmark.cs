using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using EfaPlatform.AppHost;
using EfaPlatform.Payment.Callbacks;
using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.Bench;

/// <summary>
/// Payment through the gateway with the whole platform running (test provider of the development municipality):
/// payments created per second by its machine client, signed provider callbacks handled per second, and the time from
/// the provider's confirmation to the citizen's submission being paid (callback → outbox → Kafka → forms).
/// </summary>
internal static class PaymentsBenchmark
{
    public static async Task RunAsync(int concurrency, TimeSpan duration, int confirmations)
    {
        await using var platform = await PlatformProcess.StartAsync(["--Logging:LogLevel:Default=Warning"]);
        var gateway = await platform.EndpointAsync("gateway", "http");
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = new Uri(gateway) };
        using var oidc = new OidcClient(gateway, platform.Secret("identity-seed-totp"));
        var machine = (await oidc.ClientCredentialsAsync("heidelberg-fachverfahren", platform.Secret("identity-seed-client"), "efa.payment")).Body
            .GetProperty("access_token").GetString()!;
        var admin = (await oidc.SignInAsync("admin@heidelberg.example", platform.Secret("identity-seed-password"))).Body.GetProperty("access_token").GetString()!;
        var (_, rotated) = await client.SendAsync(HttpMethod.Post, $"/api/payment/v1/tenants/{DevelopmentTenant.Id}/callback-secret:rotate", admin, new { }, Guid.NewGuid().ToString());
        var secret = Encoding.UTF8.GetBytes(rotated.GetProperty("secret").GetString()!);
        var returnUrl = $"{gateway}/buergerportal/zurueck";

        var created = new System.Collections.Concurrent.ConcurrentQueue<string>();
        async Task<double> CreateAsync()
        {
            var started = Stopwatch.GetTimestamp();
            var (status, payment) = await client.SendAsync(HttpMethod.Post, $"/api/payment/v1/tenants/{DevelopmentTenant.Id}/payments", machine,
                new { requestId = Guid.NewGuid().ToString(), amountCents = 1300, description = "Benchmark", reference = "BENCH", returnUrl }, Guid.NewGuid().ToString());
            EnsureOk(status, payment);
            created.Enqueue(payment.GetProperty("paymentId").GetString()!);
            return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        await LoadLoop.ReportAsync("create", "machine client, test provider, through the gateway", "payments", concurrency, duration, CreateAsync);

        // Every payment just created is confirmed once, by concurrent callers, until none is left.
        var count = created.Count;
        var clock = Stopwatch.StartNew();
        var callbackLatencies = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            var own = new List<double>();
            while (created.TryDequeue(out var paymentId))
            {
                var started = Stopwatch.GetTimestamp();
                await CallbackAsync(client, secret, paymentId);
                own.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            return own;
        })));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"callback (signed, succeeded, through the gateway, {concurrency} clients, {count} payments): {count / clock.Elapsed.TotalSeconds:0} callbacks/s, {Percentiles.Describe(callbackLatencies.SelectMany(l => l).ToList())}"));

        // Confirmation → submission paid, one citizen submission at a time.
        using var eid = new OidcClient(gateway);
        var citizen = (await eid.SignInWithDevelopmentEidAsync("dev-erika-mustermann")).Body.GetProperty("access_token").GetString()!;
        var latencies = new List<double>();
        for (var i = 0; i < confirmations; i++)
        {
            var (_, submission) = await client.SendAsync(HttpMethod.Post, "/api/forms/v1/submissions", citizen,
                new { tenantId = DevelopmentTenant.Id, serviceId = "fuehrungszeugnis", answers = SampleAnswers.PrivateCertificate(), language = "de" }, Guid.NewGuid().ToString());
            var submissionId = submission.GetProperty("submissionId").GetString()!;
            var (status, payment) = await client.SendAsync(HttpMethod.Post, $"/api/payment/v1/submissions/{submissionId}/payment:start", citizen, new { returnUrl },
                Guid.NewGuid().ToString());
            EnsureOk(status, payment);
            var started = Stopwatch.GetTimestamp();
            await CallbackAsync(client, secret, payment.GetProperty("paymentId").GetString()!);
            while ((await client.SendAsync(HttpMethod.Get, $"/api/forms/v1/submissions/{submissionId}", citizen)).Body.GetProperty("status").GetString() != "paid")
            {
                if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromSeconds(30))
                {
                    throw new TimeoutException($"Submission {submissionId} was not paid 30 s after the confirmation.");
                }

                await Task.Delay(5);
            }

            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"confirmation → submission paid ({confirmations} in a row): {Percentiles.Describe(latencies)}"));
    }

    private static async Task CallbackAsync(HttpClient client, byte[] secret, string paymentId)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new { eventId = Guid.NewGuid().ToString(), paymentId, outcome = "succeeded" });
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/payment/v1/tenants/{DevelopmentTenant.Id}/callbacks/test")
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        request.Headers.Add(CallbackSignature.Header, CallbackSignature.Create(secret, DateTimeOffset.UtcNow, body));
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        await response.Content.ReadAsByteArrayAsync();
    }

    private static void EnsureOk(System.Net.HttpStatusCode status, JsonElement body)
    {
        if (status != System.Net.HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"{(int)status}: {body}");
        }
    }
}
