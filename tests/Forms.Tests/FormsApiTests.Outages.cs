using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EfaPlatform.AppHost;
using EfaPlatform.Contracts.Forms.V1;
using EfaPlatform.TestInfrastructure;
using Grpc.Net.Client;

namespace EfaPlatform.Forms.Tests;

/// <summary>The platform through the gateway while its infrastructure is killed.</summary>
public sealed partial class FormsApiTests
{
    [Fact]
    public async Task Killing_PostgreSQL_and_Redis_during_submissions_loses_nothing_acknowledged_and_the_platform_recovers_by_itself()
    {
        using var eid = new OidcClient(fixture.GatewayUrl);
        var citizen = (await eid.SignInWithDevelopmentEidAsync("dev-erika-mustermann")).Body.GetProperty("access_token").GetString();
        var request = new { tenantId = DevelopmentTenant.Id, serviceId = "fuehrungszeugnis", answers = SampleAnswers.PrivateCertificate(), language = "de" };
        var answers = new System.Collections.Concurrent.ConcurrentQueue<(HttpStatusCode Status, JsonElement Body, string? RetryAfter)>();
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var load = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var message = new HttpRequestMessage(HttpMethod.Post, "/api/forms/v1/submissions") { Content = JsonContent.Create(request) };
                message.Headers.Authorization = new("Bearer", citizen);
                message.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
                using var response = await _http.SendAsync(message, CancellationToken.None);
                var body = await response.Content.ReadFromJsonAsync<JsonElement>(CancellationToken.None);
                answers.Enqueue((response.StatusCode, body, response.Headers.RetryAfter?.ToString()));
                await Task.Delay(50, CancellationToken.None);
            }
        }, CancellationToken.None);

        foreach (var infrastructure in new[] { "postgres", "redis" })
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            await _platform.KillAndAwaitRestartAsync(infrastructure);
        }

        // Serving again without anyone's help: a submission goes through within seconds.
        await Eventually.WaitAsync(() => Task.FromResult(answers.TakeLast(3).Count(a => a.Status == HttpStatusCode.OK) == 3), TimeSpan.FromSeconds(60), "submissions accepted again");
        await stop.CancelAsync();
        await load;

        Assert.All(answers.Where(a => a.Status != HttpStatusCode.OK), a =>
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, a.Status);
            Assert.Equal("UNAVAILABLE", a.Body.GetProperty("grpcStatus").GetString());
            Assert.NotNull(a.RetryAfter);
        });
        foreach (var (_, acknowledged, _) in answers.Where(a => a.Status == HttpStatusCode.OK))
        {
            var (read, stored) = await _http.SendAsync(HttpMethod.Get, $"/api/forms/v1/submissions/{acknowledged.GetProperty("submissionId").GetString()}", citizen);
            Assert.Equal(HttpStatusCode.OK, read);
            Assert.Equal(acknowledged.GetProperty("reference").GetString(), stored.GetProperty("reference").GetString());
        }
    }
}
