using System.Net;
using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.Payment.Tests;

/// <summary>Refunds by the municipality's staff: never more than was paid, even when they arrive all at once.</summary>
[Collection(PaymentServiceCollection.Name)]
public sealed class RefundTests(PaymentServiceFixture fixture) : IAsyncLifetime
{
    private readonly PaymentsApi _api = new(fixture);

    public async Task InitializeAsync() => await _api.SetUpAsync();

    public Task DisposeAsync()
    {
        _api.Dispose();
        return Task.CompletedTask;
    }

    private async Task<string> PaidAsync(long amountCents = 1300)
    {
        var id = (await _api.CreatePaymentAsync(amountCents)).GetProperty("paymentId").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await _api.CallbackAsync(id, "succeeded")).Status);
        return id;
    }

    private Task<(HttpStatusCode Status, System.Text.Json.JsonElement Body)> RefundAsync(string paymentId, long amountCents, string? token = null, string? key = null) =>
        _api.Http.SendAsync(HttpMethod.Post, $"/api/payment/v1/payments/{paymentId}/refunds", token ?? fixture.Refunder(_api.Tenant),
            new { amountCents, reason = "Antrag zurückgezogen" }, key ?? Guid.NewGuid().ToString());

    [Fact]
    public async Task Twenty_concurrent_partial_refunds_never_add_up_to_more_than_the_amount()
    {
        var id = await PaidAsync(1300);

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => RefundAsync(id, 100)));

        Assert.Equal(13, answers.Count(a => a.Status == HttpStatusCode.OK));
        // Refused for what is left, or because nothing is left any more.
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.OK), refused =>
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
            Assert.True(refused.Body.TryGetProperty("errors", out var errors) && errors.TryGetProperty("amountCents", out _)
                        || refused.Body.GetProperty("detail").GetString()!.Contains("refunded in full"), refused.Body.ToString());
        });
        var payment = await _api.PaymentAsync(id);
        Assert.Equal("refunded", payment.GetProperty("state").GetString());
        Assert.Equal(1300, payment.GetProperty("refundedCents").GetInt64());
        var events = await KafkaProbe.EventsWithKeyAsync(fixture.KafkaBootstrapServers, "efa.payment", id, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(30));
        Assert.Equal(13, events.Count(e => e.Type == "de.efa.payment.payment.refunded.v1"));
    }

    [Fact]
    public async Task A_partial_refund_then_more_than_is_left_is_refused_on_the_amount_and_a_repeat_refunds_once()
    {
        var id = await PaidAsync(1300);
        var key = Guid.NewGuid().ToString();
        var caseworker = fixture.Refunder(_api.Tenant);

        var (first, refund) = await RefundAsync(id, 500, caseworker, key);
        var (repeated, same) = await RefundAsync(id, 500, caseworker, key);
        var (tooMuch, problem) = await RefundAsync(id, 801);

        Assert.Equal(HttpStatusCode.OK, first);
        Assert.Equal("partially_refunded", refund.GetProperty("payment").GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.OK, repeated);
        Assert.Equal(refund.GetProperty("refundId").GetString(), same.GetProperty("refundId").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, tooMuch);
        Assert.Contains("at most 800", problem.GetProperty("errors").GetProperty("amountCents")[0].GetString());
        Assert.Equal(500, (await _api.PaymentAsync(id)).GetProperty("refundedCents").GetInt64());
    }

    [Fact]
    public async Task Only_the_municipalitys_caseworkers_and_admins_refund_and_only_what_was_paid()
    {
        var paid = await PaidAsync();
        var unpaid = (await _api.CreatePaymentAsync()).GetProperty("paymentId").GetString()!;
        var other = Guid.NewGuid().ToString();

        Assert.Equal(HttpStatusCode.NotFound, (await RefundAsync(paid, 100, fixture.Refunder(other))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await RefundAsync(paid, 100, fixture.Staff(_api.Tenant))).Status); // password only, no second factor
        Assert.Equal(HttpStatusCode.Forbidden, (await RefundAsync(paid, 100, fixture.Citizen("citizen-r"))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await RefundAsync(paid, 100, _api.Machine)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _api.Http.SendAsync(HttpMethod.Post, $"/api/payment/v1/payments/{paid}/refunds", null, new { amountCents = 1 })).Status);
        var (unpaidStatus, unpaidProblem) = await RefundAsync(unpaid, 100);
        Assert.Equal(HttpStatusCode.BadRequest, unpaidStatus);
        Assert.Contains("started", unpaidProblem.GetProperty("detail").GetString());
        var (noKey, noKeyProblem) = await _api.Http.SendAsync(HttpMethod.Post, $"/api/payment/v1/payments/{paid}/refunds", fixture.Refunder(_api.Tenant),
            new { amountCents = 100, reason = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, noKey);
        Assert.True(noKeyProblem.GetProperty("errors").TryGetProperty("idempotencyKey", out _));
        var (zero, zeroProblem) = await RefundAsync(paid, 0);
        Assert.Equal(HttpStatusCode.BadRequest, zero);
        Assert.True(zeroProblem.GetProperty("errors").TryGetProperty("amountCents", out _));
        Assert.Equal(HttpStatusCode.NotFound, (await RefundAsync(Guid.NewGuid().ToString(), 100)).Status);
        Assert.Equal(0, (await _api.PaymentAsync(paid)).GetProperty("refundedCents").GetInt64());
    }
}
