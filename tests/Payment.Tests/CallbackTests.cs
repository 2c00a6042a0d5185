using System.Net;
using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.Payment.Tests;

/// <summary>Provider callbacks: signed, once per event, in a window of five minutes, and never moving a payment backwards.</summary>
[Collection(PaymentServiceCollection.Name)]
public sealed class CallbackTests(PaymentServiceFixture fixture) : IAsyncLifetime
{
    private readonly PaymentsApi _api = new(fixture);

    public async Task InitializeAsync() => await _api.SetUpAsync();

    public Task DisposeAsync()
    {
        _api.Dispose();
        return Task.CompletedTask;
    }

    private Task<IReadOnlyList<KafkaProbe.Seen>> EventsOfAsync(string paymentId) =>
        KafkaProbe.EventsWithKeyAsync(fixture.KafkaBootstrapServers, "efa.payment", paymentId, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(30));

    [Fact]
    public async Task A_signed_confirmation_pays_once_and_the_same_event_again_changes_nothing()
    {
        var payment = await _api.CreatePaymentAsync();
        var id = payment.GetProperty("paymentId").GetString()!;
        Assert.Equal("started", payment.GetProperty("state").GetString());
        Assert.StartsWith(fixture.HttpUrl, payment.GetProperty("nextUrl").GetString());
        var eventId = Guid.NewGuid().ToString();

        var (first, answer) = await _api.CallbackAsync(id, "succeeded", eventId);
        var (second, again) = await _api.CallbackAsync(id, "succeeded", eventId);

        Assert.Equal(HttpStatusCode.OK, first);
        Assert.Equal("applied: succeeded", answer.GetProperty("outcome").GetString());
        Assert.Equal(HttpStatusCode.OK, second);
        Assert.StartsWith("duplicate", again.GetProperty("outcome").GetString());
        var paid = await _api.PaymentAsync(id);
        Assert.Equal("succeeded", paid.GetProperty("state").GetString());
        Assert.Equal(["created", "started", "succeeded"], paid.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("state").GetString()));
        Assert.Equal("provider:test", paid.GetProperty("history")[2].GetProperty("source").GetString());
        Assert.Equal("", paid.GetProperty("nextUrl").GetString());
        var events = await EventsOfAsync(id);
        Assert.Equal("de.efa.payment.payment.succeeded.v1", Assert.Single(events).Type);
    }

    [Fact]
    public async Task Out_of_order_outcomes_are_recorded_and_ignored_and_announce_nothing()
    {
        var paidFirst = (await _api.CreatePaymentAsync()).GetProperty("paymentId").GetString()!;
        var cancelledFirst = (await _api.CreatePaymentAsync()).GetProperty("paymentId").GetString()!;

        Assert.Equal("applied: succeeded", (await _api.CallbackAsync(paidFirst, "succeeded")).Body.GetProperty("outcome").GetString());
        Assert.Equal("ignored: failed after succeeded", (await _api.CallbackAsync(paidFirst, "failed")).Body.GetProperty("outcome").GetString());
        Assert.Equal("applied: cancelled", (await _api.CallbackAsync(cancelledFirst, "cancelled")).Body.GetProperty("outcome").GetString());
        Assert.Equal("ignored: succeeded after cancelled; refund due", (await _api.CallbackAsync(cancelledFirst, "succeeded")).Body.GetProperty("outcome").GetString());

        Assert.Equal("succeeded", (await _api.PaymentAsync(paidFirst)).GetProperty("state").GetString());
        Assert.Equal("cancelled", (await _api.PaymentAsync(cancelledFirst)).GetProperty("state").GetString());
        Assert.Equal(["de.efa.payment.payment.succeeded.v1"], (await EventsOfAsync(paidFirst)).Select(e => e.Type));
        Assert.Equal(["de.efa.payment.payment.failed.v1"], (await EventsOfAsync(cancelledFirst)).Select(e => e.Type));
    }

    [Fact]
    public async Task A_forged_or_stale_or_unsigned_callback_is_refused_and_changes_nothing()
    {
        var id = (await _api.CreatePaymentAsync()).GetProperty("paymentId").GetString()!;
        var other = await new PaymentsApi(fixture).SetUpAsync();

        var refusals = new[]
        {
            await _api.CallbackAsync(id, "succeeded", secret: "whsec_guessed"),
            await _api.CallbackAsync(id, "succeeded", secret: other.Secret),
            await _api.CallbackAsync(id, "succeeded", signedAt: DateTimeOffset.UtcNow.AddMinutes(-6)),
            await _api.CallbackAsync(id, "succeeded", signedAt: DateTimeOffset.UtcNow.AddMinutes(6)),
            await _api.CallbackAsync(id, "succeeded", signature: ""),
            await _api.CallbackAsync(id, "succeeded", signature: "t=abc,v1=zz"),
        };

        Assert.All(refusals, refusal =>
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refusal.Status);
            Assert.Equal("signature", refusal.Body.GetProperty("errors").EnumerateObject().Single().Name);
        });
        // Signed by another municipality for its own path: taken in, but this payment is not that municipality's.
        var (status, foreign) = await _api.CallbackAsync(id, "succeeded", secret: other.Secret, tenant: other.Tenant);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.StartsWith("ignored: no such payment", foreign.GetProperty("outcome").GetString());
        Assert.Equal("started", (await _api.PaymentAsync(id)).GetProperty("state").GetString());
        other.Dispose();
    }

    [Fact]
    public async Task After_a_rotation_the_new_secret_signs_and_the_previous_one_still_works_during_the_grace_period()
    {
        var before = _api.Secret;
        var after = await _api.RotateSecretAsync();
        var first = (await _api.CreatePaymentAsync()).GetProperty("paymentId").GetString()!;
        var second = (await _api.CreatePaymentAsync()).GetProperty("paymentId").GetString()!;

        Assert.NotEqual(before, after);
        Assert.Equal(HttpStatusCode.OK, (await _api.CallbackAsync(first, "succeeded", secret: after)).Status);
        Assert.Equal(HttpStatusCode.OK, (await _api.CallbackAsync(second, "succeeded", secret: before)).Status);
    }

    [Fact]
    public async Task A_started_payment_nobody_confirms_expires_and_a_late_confirmation_is_ignored()
    {
        var id = (await _api.CreatePaymentAsync()).GetProperty("paymentId").GetString()!;

        var expired = await _api.EventuallyInStateAsync(id, "expired");

        Assert.Equal("expiry", expired.GetProperty("history")[2].GetProperty("source").GetString());
        // Paid after all, too late: the state stays, and the payment shows the money is owed back.
        Assert.Equal("ignored: succeeded after expired; refund due", (await _api.CallbackAsync(id, "succeeded")).Body.GetProperty("outcome").GetString());
        var owed = await _api.PaymentAsync(id);
        Assert.Equal("expired", owed.GetProperty("state").GetString());
        Assert.True(owed.GetProperty("refundDue").GetBoolean());
        Assert.Equal(["de.efa.payment.payment.expired.v1"], (await EventsOfAsync(id)).Select(e => e.Type));
    }

    [Fact]
    public async Task A_malformed_or_oversized_callback_is_a_problem_and_changes_nothing()
    {
        var id = (await _api.CreatePaymentAsync()).GetProperty("paymentId").GetString()!;

        var (unknownOutcome, problem) = await _api.CallbackAsync(id, "paid");
        Assert.Equal(HttpStatusCode.BadRequest, unknownOutcome);
        Assert.Contains("outcome", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await _api.CallbackAsync(id, "succeeded", tenant: "not-a-tenant")).Status);

        using var huge = new HttpRequestMessage(HttpMethod.Post, $"/api/payment/v1/tenants/{_api.Tenant}/callbacks/test")
        {
            Content = new StringContent(new string('x', 20_000), System.Text.Encoding.UTF8, "application/json"),
        };
        using var tooLarge = await _api.Http.SendAsync(huge);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal("application/problem+json", tooLarge.Content.Headers.ContentType?.MediaType);
        Assert.Equal("started", (await _api.PaymentAsync(id)).GetProperty("state").GetString());
    }
}
