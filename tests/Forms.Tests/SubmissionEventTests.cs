using System.Net;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using EfaPlatform.Contracts.Events.V1;
using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.Forms.Tests;

/// <summary>Events from payment and routing that arrive out of order, from impostors, broken, or while the database is down.</summary>
[Collection(FormsServiceCollection.Name)]
public sealed class SubmissionEventTests(FormsServiceFixture forms) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly HttpClient _http = new() { BaseAddress = new Uri(forms.HttpUrl), Timeout = TimeSpan.FromSeconds(30) };
    private readonly string _citizen = forms.Issuer.Issue(TestIssuer.Person($"citizen-{Guid.NewGuid():N}", role: "citizen", acr: "high"));

    private static string NewId() => Guid.CreateVersion7().ToString();

    /// <summary>A fee-bearing submission (certificate of good conduct, 13 EUR) of a new municipality: payment pending.</summary>
    private async Task<string> PendingPaymentAsync()
    {
        var tenant = NewId();
        var admin = forms.Issuer.Issue(TestIssuer.Person($"admin-{tenant}", tenant, "tenant-admin", acr: "substantial"));
        var (activated, problem) = await _http.SendAsync(HttpMethod.Put, $"/api/forms/v1/tenants/{tenant}/services/fuehrungszeugnis", admin,
            new { contactEmail = "buergerservice@heidelberg.example", referencePrefix = "EV" });
        Assert.True(activated == HttpStatusCode.OK, problem.ToString());
        var (status, submission) = await _http.SendAsync(HttpMethod.Post, "/api/forms/v1/submissions", _citizen,
            new { tenantId = tenant, serviceId = "fuehrungszeugnis", answers = SampleAnswers.PrivateCertificate() }, NewId());
        Assert.True(status == HttpStatusCode.OK, submission.ToString());
        Assert.Equal("payment_pending", submission.GetProperty("status").GetString());
        return submission.GetProperty("submissionId").GetString()!;
    }

    private async Task<JsonElement> ReadAsync(string id) => (await _http.SendAsync(HttpMethod.Get, $"/api/forms/v1/submissions/{id}", _citizen)).Body;

    private static IEnumerable<string> HistoryOf(JsonElement submission) =>
        submission.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("status").GetString()!);

    private Task<JsonElement> WaitForStatusAsync(string id, string status) =>
        Eventually.WaitAsync(async () => await ReadAsync(id) is var s && s.GetProperty("status").GetString() == status ? (JsonElement?)s : null, Patience, $"status {status}")
            .ContinueWith(t => t.Result!.Value, TaskScheduler.Default);

    private Task<IReadOnlyList<KafkaProbe.Seen>> DeadLettersAsync(string topic, string key, TimeSpan wait) =>
        KafkaProbe.EventsWithKeyAsync(forms.KafkaBootstrapServers, $"{topic}.dlq", key, TimeSpan.FromSeconds(1), wait);

    [Fact]
    public async Task A_delivery_reported_before_the_payment_waits_for_it_and_the_history_shows_both()
    {
        var id = await PendingPaymentAsync();
        var delivered = DateTimeOffset.UtcNow;
        await KafkaProbe.PublishAsync(forms.KafkaBootstrapServers,
            new SubmissionDelivered { SubmissionId = id, DestinationId = "bzr", ReceiptId = "r-1", DeliveredAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(delivered) },
            id, $"evt-{NewId()}", topic: "efa.routing");
        var marker = $"evt-{NewId()}";
        await KafkaProbe.PublishAsync(forms.KafkaBootstrapServers, new PaymentFailed { SubmissionId = id, PaymentId = "p-0", Reason = "marker" }, id, marker);
        var early = await Eventually.WaitAsync(async () => HistoryOf(await ReadAsync(id)).Count() == 3 ? (JsonElement?)await ReadAsync(id) : null, Patience, "the marker noted");

        // Unpaid, it is not delivered, whatever routing says.
        Assert.Equal("payment_pending", early!.Value.GetProperty("status").GetString());

        await KafkaProbe.PublishAsync(forms.KafkaBootstrapServers, new PaymentSucceeded { SubmissionId = id, PaymentId = "p-1", AmountCents = 1300 }, id, $"evt-{NewId()}");
        var done = await WaitForStatusAsync(id, "delivered");

        Assert.Equal(["submitted", "payment_pending", "payment_pending", "paid", "delivered"], HistoryOf(done));
        Assert.Equal(delivered.ToUnixTimeSeconds(), done.GetProperty("history")[4].GetProperty("changedAt").GetDateTimeOffset().ToUnixTimeSeconds());
        var (refused, _) = await _http.SendAsync(HttpMethod.Post, $"/api/forms/v1/submissions/{id}:withdraw", _citizen, new { });
        Assert.Equal(HttpStatusCode.BadRequest, refused);
    }

    [Fact]
    public async Task A_payment_event_from_routing_changes_nothing_and_is_dead_lettered()
    {
        var id = await PendingPaymentAsync();
        var onRoutingTopic = $"evt-{NewId()}";
        var withRoutingSource = $"evt-{NewId()}";

        await KafkaProbe.PublishAsync(forms.KafkaBootstrapServers, new PaymentSucceeded { SubmissionId = id, PaymentId = "forged-1", AmountCents = 1300 },
            id, onRoutingTopic, topic: "efa.routing", source: "/efa/payment");
        await KafkaProbe.PublishAsync(forms.KafkaBootstrapServers, new PaymentSucceeded { SubmissionId = id, PaymentId = "forged-2", AmountCents = 1300 },
            id, withRoutingSource, source: "/efa/routing");

        Assert.Equal(onRoutingTopic, Assert.Single(await DeadLettersAsync("efa.routing", id, Patience)).Id);
        Assert.Equal(withRoutingSource, Assert.Single(await DeadLettersAsync("efa.payment", id, Patience)).Id);
        Assert.Equal("payment_pending", (await ReadAsync(id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_message_with_a_header_without_value_is_dead_lettered_and_forms_goes_on()
    {
        var id = await PendingPaymentAsync();
        var headers = new Headers { { "ce_specversion", Encoding.UTF8.GetBytes("1.0") }, { "ce_id", null }, { "ce_type", Encoding.UTF8.GetBytes("de.efa.payment.payment.succeeded.v1") } };
        await KafkaProbe.ProduceAsync(forms.KafkaBootstrapServers, "efa.payment", new Message<string, byte[]> { Key = id, Value = [], Headers = headers });
        await KafkaProbe.PublishAsync(forms.KafkaBootstrapServers, new PaymentSucceeded { SubmissionId = id, PaymentId = "p-1", AmountCents = 1300 }, id, $"evt-{NewId()}");

        await WaitForStatusAsync(id, "paid");
        var deadLetter = Assert.Single(await DeadLettersAsync("efa.payment", id, Patience));
        Assert.Equal("", deadLetter.Id);
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task Events_that_arrive_while_PostgreSQL_is_down_are_handled_when_it_is_back_and_none_is_dead_lettered()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await PendingPaymentAsync());
        }

        await forms.Infrastructure.Postgres.StopAsync();
        try
        {
            foreach (var id in ids)
            {
                await KafkaProbe.PublishAsync(forms.KafkaBootstrapServers, new PaymentSucceeded { SubmissionId = id, PaymentId = $"p-{id}", AmountCents = 1300 }, id, $"evt-{NewId()}");
            }

            await Task.Delay(TimeSpan.FromSeconds(10));
        }
        finally
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await forms.Infrastructure.Postgres.StartAsync(timeout.Token);
        }

        foreach (var id in ids)
        {
            await WaitForStatusAsync(id, "paid");
        }

        foreach (var id in ids)
        {
            Assert.Empty(await DeadLettersAsync("efa.payment", id, TimeSpan.FromSeconds(2)));
        }
    }

    public void Dispose() => _http.Dispose();
}
