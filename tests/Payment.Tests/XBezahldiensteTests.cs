using System.Net;
using System.Net.Http.Json;
using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.Payment.Tests;

/// <summary>
/// The XBezahldienste adapter against a simulated municipal payment platform in a process of its own: the platform does
/// not push, so payment asks until the transaction ends — through timeouts, 5xx answers and the platform being down.
/// </summary>
[Collection(PaymentServiceCollection.Name)]
public sealed class XBezahldiensteTests(PaymentServiceFixture fixture) : IAsyncLifetime
{
    private readonly PaymentsApi _api = new(fixture);
    private readonly HttpClient _platform = new() { BaseAddress = new Uri(fixture.Simulator.HttpUrl), Timeout = TimeSpan.FromSeconds(10) };

    public async Task InitializeAsync() => await _api.SetUpAsync(provider: "xbezahldienste");

    public Task DisposeAsync()
    {
        _api.Dispose();
        _platform.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>What the citizen does on the platform's page.</summary>
    private async Task CitizenOnThePlatformAsync(System.Text.Json.JsonElement payment, string status)
    {
        var transaction = payment.GetProperty("nextUrl").GetString()!.Split('/')[^1];
        using var answer = await _platform.PostAsync($"/_control/transactions/{transaction}/{status}", null);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
    }

    private async Task<int> FaultsLeftAsync() =>
        (await _platform.GetFromJsonAsync<System.Text.Json.JsonElement>("/_control/requests")).GetProperty("faultsLeft").GetInt32();

    private async Task<int> TransactionsAsync() =>
        (await _platform.GetFromJsonAsync<System.Text.Json.JsonElement>("/_control/requests")).GetProperty("transactions").GetInt32();

    private async Task FaultsAsync(string fault, int count) => (await _platform.PostAsync($"/_control/faults/{fault}/{count}", null)).Dispose();

    private async Task<IReadOnlyList<KafkaProbe.Seen>> EventsOfAsync(string paymentId) =>
        await KafkaProbe.EventsWithKeyAsync(fixture.KafkaBootstrapServers, "efa.payment", paymentId, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(30));

    [Theory]
    [InlineData("PAYED", "succeeded", "de.efa.payment.payment.succeeded.v1")]
    [InlineData("FAILED", "failed", "de.efa.payment.payment.failed.v1")]
    [InlineData("CANCELED", "cancelled", "de.efa.payment.payment.failed.v1")]
    public async Task The_platforms_status_becomes_the_payments_state_once(string platformStatus, string state, string eventType)
    {
        var payment = await _api.CreatePaymentAsync(1300);
        var id = payment.GetProperty("paymentId").GetString()!;
        Assert.Equal("xbezahldienste", payment.GetProperty("provider").GetString());
        Assert.StartsWith($"{fixture.Simulator.HttpUrl}/paypage/", payment.GetProperty("nextUrl").GetString());

        await CitizenOnThePlatformAsync(payment, platformStatus);

        var ended = await _api.EventuallyInStateAsync(id, state);
        Assert.Equal("provider:xbezahldienste", ended.GetProperty("history")[2].GetProperty("source").GetString());
        Assert.Equal([eventType], (await EventsOfAsync(id)).Select(e => e.Type));
    }

    [Fact]
    public async Task Timeouts_and_errors_while_asking_are_waited_out_and_the_payment_is_counted_once()
    {
        var payment = await _api.CreatePaymentAsync(2000);
        var id = payment.GetProperty("paymentId").GetString()!;

        await FaultsAsync("timeout", 2);
        await FaultsAsync("error", 3);
        await CitizenOnThePlatformAsync(payment, "PAYED");

        await _api.EventuallyInStateAsync(id, "succeeded");
        Assert.Single(await EventsOfAsync(id));
        Assert.Equal(0, await FaultsLeftAsync()); // every timeout and error was met on the way
    }

    [Fact]
    public async Task A_creation_whose_answer_was_lost_is_found_again_on_the_retry()
    {
        var requestId = Guid.NewGuid().ToString();
        var before = await TransactionsAsync();
        await FaultsAsync("lost", 1);

        var (lost, problem) = await _api.CreateAsync(new { requestId, amountCents = 1300, description = "Parkausweis 2027", reference = "PA-2027-0001", returnUrl = PaymentsApi.ReturnUrl });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, lost);
        Assert.Equal(503, problem.GetProperty("status").GetInt32());
        var retried = await _api.CreatePaymentAsync(1300, requestId);

        Assert.Equal("started", retried.GetProperty("state").GetString());
        Assert.Equal(before + 1, await TransactionsAsync()); // the retry found the transaction the lost answer was about
        await CitizenOnThePlatformAsync(retried, "PAYED");
        await _api.EventuallyInStateAsync(retried.GetProperty("paymentId").GetString()!, "succeeded");
    }

    [Fact]
    public async Task A_payment_made_while_the_platform_is_down_does_not_expire_and_is_counted_once_it_is_back()
    {
        var payment = await _api.CreatePaymentAsync(1500);
        var id = payment.GetProperty("paymentId").GetString()!;
        await FaultsAsync("error", 1000); // the platform's API fails, its pay page works
        await CitizenOnThePlatformAsync(payment, "PAYED");
        await fixture.Simulator.StopAsync(); // and then it is gone altogether

        // Down past the payment's expiry: it is not expired while the platform cannot say whether it was paid.
        var expiresAt = payment.GetProperty("expiresAt").GetDateTimeOffset();
        await Task.Delay(expiresAt - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(3));
        Assert.Equal("started", (await _api.PaymentAsync(id)).GetProperty("state").GetString());
        await fixture.Simulator.StartAsync(CancellationToken.None); // back, faults gone, transactions kept

        await _api.EventuallyInStateAsync(id, "succeeded");
        Assert.Single(await EventsOfAsync(id));
    }

    [Fact]
    public async Task A_transaction_the_platform_does_not_know_ends_expired()
    {
        var payment = await _api.CreatePaymentAsync(700);
        var id = payment.GetProperty("paymentId").GetString()!;

        (await _platform.DeleteAsync($"/_control/transactions/{payment.GetProperty("nextUrl").GetString()!.Split('/')[^1]}")).Dispose();

        await _api.EventuallyInStateAsync(id, "expired");
        Assert.Equal(["de.efa.payment.payment.expired.v1"], (await EventsOfAsync(id)).Select(e => e.Type));
    }

    [Fact]
    public async Task Settings_for_xbezahldienste_need_the_originator_and_endpoint()
    {
        var (status, problem) = await _api.Http.SendAsync(HttpMethod.Put, $"/api/payment/v1/tenants/{_api.Tenant}/settings", _api.Admin,
            new { provider = "xbezahldienste", returnOrigins = new[] { PaymentsApi.ReturnOrigin }, xbezahldiensteOriginatorId = "", xbezahldiensteEndpointId = "a/b" },
            Guid.NewGuid().ToString());

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(problem.GetProperty("errors").TryGetProperty("xbezahldiensteOriginatorId", out _), problem.ToString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("xbezahldiensteEndpointId", out _), problem.ToString());
    }
}
