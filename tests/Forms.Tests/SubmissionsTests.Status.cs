using System.Net;
using System.Text.Json;
using EfaPlatform.Contracts.Events.V1;
using EfaPlatform.TestInfrastructure;
using Npgsql;

namespace EfaPlatform.Forms.Tests;

/// <summary>Status changes of submissions: events from payment and routing, and withdrawal.</summary>
public sealed partial class SubmissionsTests
{
    [Fact]
    public async Task Payment_and_routing_events_move_the_status_once_and_a_delivered_submission_cannot_be_withdrawn()
    {
        var tenant = await MunicipalityAsync();
        var erika = Citizen($"citizen-{NewId()}");
        var (_, submission) = await SubmitAsync(erika, tenant, SampleAnswers.PrivateCertificate());
        var id = submission.GetProperty("submissionId").GetString()!;
        var path = $"/api/forms/v1/submissions/{id}";
        async Task<JsonElement> ReadAsync() => (await _http.SendAsync(HttpMethod.Get, path, erika)).Body;

        await KafkaProbe.PublishAsync(forms.KafkaBootstrapServers, new PaymentFailed { SubmissionId = id, PaymentId = "p-1", Reason = "declined" }, id, $"evt-{NewId()}");
        await KafkaProbe.PublishAsync(forms.KafkaBootstrapServers, new PaymentExpired { SubmissionId = id, PaymentId = "p-1b" }, id, $"evt-{NewId()}");
        var paidId = $"evt-{NewId()}";
        await KafkaProbe.PublishAsync(forms.KafkaBootstrapServers, new PaymentSucceeded { SubmissionId = id, PaymentId = "p-2", AmountCents = 1300 }, id, paidId);
        var paid = await Eventually.WaitAsync(async () => await ReadAsync() is var s && StatusOf(s) == "paid" ? (JsonElement?)s : null, TimeSpan.FromSeconds(30), "status paid");
        Assert.Equal(["submitted", "payment_pending", "payment_pending", "payment_pending", "paid"], HistoryOf(paid!.Value));
        Assert.Equal("payment failed: declined", paid.Value.GetProperty("history")[2].GetProperty("reason").GetString());
        Assert.Equal("payment expired", paid.Value.GetProperty("history")[3].GetProperty("reason").GetString());

        await KafkaProbe.PublishAsync(forms.KafkaBootstrapServers, new SubmissionDelivered { SubmissionId = id, DestinationId = "bzr", ReceiptId = "r-1" }, id, $"evt-{NewId()}");
        await Eventually.WaitAsync(async () => StatusOf(await ReadAsync()) == "delivered", TimeSpan.FromSeconds(30), "status delivered");

        // The payment event again (a redelivery) and a late failure change nothing; a marker event shows they were processed.
        await KafkaProbe.PublishAsync(forms.KafkaBootstrapServers, new PaymentSucceeded { SubmissionId = id, PaymentId = "p-2", AmountCents = 1300 }, id, paidId);
        await KafkaProbe.PublishAsync(forms.KafkaBootstrapServers, new PaymentFailed { SubmissionId = id, PaymentId = "p-3", Reason = "expired" }, id, $"evt-{NewId()}");
        await KafkaProbe.PublishAsync(forms.KafkaBootstrapServers, new SubmissionDecided { SubmissionId = id, Outcome = "approved" }, id, $"evt-{NewId()}");
        var decided = await Eventually.WaitAsync(async () => await ReadAsync() is var s && StatusOf(s) == "decided" ? (JsonElement?)s : null, TimeSpan.FromSeconds(30), "status decided");
        Assert.Equal(["submitted", "payment_pending", "payment_pending", "payment_pending", "paid", "delivered", "decided"], HistoryOf(decided!.Value));

        var (refused, problem) = await _http.SendAsync(HttpMethod.Post, path + ":withdraw", erika, new { });
        Assert.Equal(HttpStatusCode.BadRequest, refused);
        Assert.Contains("can no longer be withdrawn", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_citizen_withdraws_an_undelivered_submission_and_forms_announces_it()
    {
        var tenant = await MunicipalityAsync();
        var erika = Citizen($"citizen-{NewId()}");
        var (_, submission) = await SubmitAsync(erika, tenant, SampleAnswers.PrivateCertificate());
        var id = submission.GetProperty("submissionId").GetString()!;

        var (status, withdrawn) = await _http.SendAsync(HttpMethod.Post, $"/api/forms/v1/submissions/{id}:withdraw", erika, new { });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("withdrawn", StatusOf(withdrawn));
        Assert.Equal(["submitted", "payment_pending", "withdrawn"], HistoryOf(withdrawn));
        var events = await KafkaProbe.EventsWithKeyAsync(forms.KafkaBootstrapServers, "efa.forms", id, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(30));
        Assert.Equal(["de.efa.forms.submission.submitted.v1", "de.efa.forms.submission.withdrawn.v1"], events.Select(e => e.Type));

        var late = new[] { $"evt-{NewId()}", $"evt-{NewId()}" };
        await KafkaProbe.PublishAsync(forms.KafkaBootstrapServers, new PaymentSucceeded { SubmissionId = id, PaymentId = "late", AmountCents = 1300 }, id, late[0]);
        await KafkaProbe.PublishAsync(forms.KafkaBootstrapServers, new SubmissionDecided { SubmissionId = id, Outcome = "rejected" }, id, late[1]);
        await Eventually.WaitAsync(async () => await CountAsync("select count(*) from messaging.inbox where event_id = any($1)", late) == 2,
            TimeSpan.FromSeconds(30), "the late events handled");
        Assert.Equal("withdrawn", StatusOf((await _http.SendAsync(HttpMethod.Get, $"/api/forms/v1/submissions/{id}", erika)).Body));
    }
}
