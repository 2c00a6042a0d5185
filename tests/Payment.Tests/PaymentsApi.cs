using System.Net;
using System.Text;
using System.Text.Json;
using EfaPlatform.Payment.Callbacks;
using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.Payment.Tests;

/// <summary>A municipality set up for online payment on the payment service, as its administrator, its machine client and its provider would use it.</summary>
public sealed class PaymentsApi(PaymentServiceFixture fixture) : IDisposable
{
    public const string ReturnOrigin = "https://buergerportal.example.de";
    public const string ReturnUrl = ReturnOrigin + "/antraege/zurueck";

    public HttpClient Http { get; } = new() { BaseAddress = new Uri(fixture.HttpUrl), Timeout = TimeSpan.FromSeconds(60) };

    public string Tenant { get; } = Guid.NewGuid().ToString();

    /// <summary>The callback secret the provider signs with, after <see cref="SetUpAsync"/>.</summary>
    public string Secret { get; private set; } = "";

    public string Admin => fixture.Staff(Tenant, "tenant-admin");

    public string Machine => fixture.Machine(Tenant);

    public async Task<PaymentsApi> SetUpAsync(object? kassenzeichenFormat = null, string provider = "test")
    {
        var (status, body) = await Http.SendAsync(HttpMethod.Put, $"/api/payment/v1/tenants/{Tenant}/settings", Admin, new
        {
            provider, returnOrigins = new[] { ReturnOrigin },
            kassenzeichenFormat = kassenzeichenFormat ?? new { prefix = "50", includeYear = true, sequenceDigits = 6, checkDigit = "luhn" },
            xbezahldiensteOriginatorId = provider == "xbezahldienste" ? PaymentServiceFixture.XBezahldiensteOriginator : "",
            xbezahldiensteEndpointId = provider == "xbezahldienste" ? PaymentServiceFixture.XBezahldiensteEndpoint : "",
        }, Guid.NewGuid().ToString());
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        Secret = await RotateSecretAsync();
        return this;
    }

    public async Task<string> RotateSecretAsync()
    {
        var (status, body) = await Http.SendAsync(HttpMethod.Post, $"/api/payment/v1/tenants/{Tenant}/callback-secret:rotate", Admin, new { }, Guid.NewGuid().ToString());
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body.GetProperty("secret").GetString()!;
    }

    /// <summary>A started payment of the municipality's machine client.</summary>
    public async Task<JsonElement> CreatePaymentAsync(long amountCents = 1300, string? requestId = null)
    {
        var (status, body) = await CreateAsync(new
        {
            requestId = requestId ?? Guid.NewGuid().ToString(), amountCents, description = "Parkausweis 2027", reference = "PA-2027-0001", returnUrl = ReturnUrl,
        });
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body;
    }

    public Task<(HttpStatusCode Status, JsonElement Body)> CreateAsync(object request, string? token = null) =>
        Http.SendAsync(HttpMethod.Post, $"/api/payment/v1/tenants/{Tenant}/payments", token ?? Machine, request, Guid.NewGuid().ToString());

    public async Task<JsonElement> PaymentAsync(string paymentId)
    {
        var (status, body) = await Http.SendAsync(HttpMethod.Get, $"/api/payment/v1/payments/{paymentId}", fixture.Staff(Tenant));
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body;
    }

    public Task<JsonElement> EventuallyInStateAsync(string paymentId, string state) =>
        Eventually.WaitAsync(async () => await PaymentAsync(paymentId) is var payment && payment.GetProperty("state").GetString() == state ? (JsonElement?)payment : null,
            TimeSpan.FromSeconds(60), $"payment {paymentId} is {state}").ContinueWith(task => task.Result!.Value);

    /// <summary>A provider's callback, signed with <paramref name="secret"/> (the municipality's own unless given) at <paramref name="signedAt"/>.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> CallbackAsync(
        string paymentId, string outcome, string? eventId = null, string? secret = null, DateTimeOffset? signedAt = null, string? tenant = null, string? signature = null)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new { eventId = eventId ?? Guid.NewGuid().ToString(), paymentId, outcome, reason = outcome == "failed" ? "declined" : "" });
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/payment/v1/tenants/{tenant ?? Tenant}/callbacks/test")
        {
            Content = new ByteArrayContent(body) { Headers = { { "Content-Type", "application/json" } } },
        };
        request.Headers.Add(CallbackSignature.Header,
            signature ?? CallbackSignature.Create(Encoding.UTF8.GetBytes(secret ?? Secret), signedAt ?? DateTimeOffset.UtcNow, body));
        using var response = await Http.SendAsync(request);
        return (response.StatusCode, JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync()));
    }

    public void Dispose() => Http.Dispose();
}
