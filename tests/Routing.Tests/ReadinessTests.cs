using System.Net.Http.Json;
using System.Text.Json;
using EfaPlatform.Contracts.Events.V1;
using EfaPlatform.TestInfrastructure;
using Google.Protobuf.WellKnownTypes;

namespace EfaPlatform.Routing.Tests;

/// <summary>When a submission is ready for its authority, from forms' and payment's events in any order; and the REST API as partners read it.</summary>
[Collection(RoutingServiceCollection.Name)]
public sealed class ReadinessTests(RoutingServiceFixture fixture) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(fixture.HttpUrl), Timeout = TimeSpan.FromSeconds(30) };
    private readonly string _tenant = Guid.NewGuid().ToString();

    public void Dispose() => _http.Dispose();

    private Task SubmittedAsync(string submissionId, long fee) =>
        KafkaProbe.PublishAsync(fixture.KafkaBootstrapServers, new SubmissionSubmitted
        {
            SubmissionId = submissionId, TenantId = _tenant, ServiceId = "bewohnerparkausweis", ServiceVersion = 1, LeikaKey = DirectoryApi.ParkingPermit,
            Reference = "HD-2026-000777", FeeAmountCents = fee, SubmittedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
        }, submissionId, Guid.NewGuid().ToString());

    private Task PaidAsync(string submissionId) =>
        KafkaProbe.PublishAsync(fixture.KafkaBootstrapServers, new PaymentSucceeded
        {
            SubmissionId = submissionId, PaymentId = Guid.NewGuid().ToString(), AmountCents = 3060, PaidAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
        }, submissionId, Guid.NewGuid().ToString());

    private async Task<JsonElement> DeliveryAsync(string submissionId, Func<string, bool> state, string what) =>
        (await Eventually.WaitAsync(async () =>
        {
            var (_, body) = await _http.SendAsync(HttpMethod.Get, $"/api/routing/v1/submissions/{submissionId}/delivery", fixture.Staff(_tenant, "caseworker"));
            return body.ValueKind == JsonValueKind.Object && body.TryGetProperty("state", out var s) && state(s.GetString()!) ? (JsonElement?)body : null;
        }, TimeSpan.FromSeconds(60), what))!.Value;

    [Fact]
    public async Task A_fee_waits_for_its_payment_in_either_order_and_a_withdrawal_stops_the_delivery()
    {
        var unpaid = Guid.CreateVersion7().ToString();
        await SubmittedAsync(unpaid, 3060);
        await DeliveryAsync(unpaid, state => state == "waiting", "an unpaid submission waits");

        // Paid before routing heard of the submission (another topic): ready as soon as it does.
        var paidFirst = Guid.CreateVersion7().ToString();
        await PaidAsync(paidFirst);
        await using (var database = Npgsql.NpgsqlDataSource.Create(fixture.DatabaseConnectionString))
        {
            await Eventually.WaitAsync(async () =>
            {
                await using var kept = database.CreateCommand("select count(*) from early_payments where submission_id = $1");
                kept.Parameters.AddWithValue(Guid.Parse(paidFirst));
                return (long)(await kept.ExecuteScalarAsync())! == 1;
            }, TimeSpan.FromSeconds(30), "routing keeps the payment of a submission it has not heard of");
        }

        await SubmittedAsync(paidFirst, 3060);
        await DeliveryAsync(paidFirst, state => state == "pending", "a submission paid before it was announced is ready");

        await PaidAsync(unpaid);
        await DeliveryAsync(unpaid, state => state == "pending", "the payment makes it ready");
        await KafkaProbe.PublishAsync(fixture.KafkaBootstrapServers, new SubmissionWithdrawn { SubmissionId = unpaid, TenantId = _tenant }, unpaid, Guid.NewGuid().ToString());
        var withdrawn = await DeliveryAsync(unpaid, state => state == "withdrawn", "the withdrawal stops it");
        Assert.False(withdrawn.TryGetProperty("nextAttemptAt", out var next) && next.ValueKind != System.Text.Json.JsonValueKind.Null, withdrawn.ToString());
    }

    [Fact]
    public async Task The_OpenAPI_document_has_every_call_and_none_goes_without_a_token()
    {
        var paths = (await _http.GetFromJsonAsync<JsonElement>("/api/routing/openapi.json")).GetProperty("paths");

        var names = paths.EnumerateObject().Select(p => p.Name).ToList();
        foreach (var expected in new[] { "/units", "units:import", "/changes", "/responsibility", "/delivery", "/deliveries", "/attempts", ":redrive", "/pending", "/content",
                     ":acknowledge", "/inbox", "/decision", "/attachments/{documentId}" })
        {
            Assert.Contains(names, name => name.Contains(expected, StringComparison.Ordinal));
        }

        Assert.DoesNotContain(paths.EnumerateObject(), path => path.Value.EnumerateObject().Any(operation => operation.Value.GetProperty("security").GetArrayLength() == 0));
    }
}
