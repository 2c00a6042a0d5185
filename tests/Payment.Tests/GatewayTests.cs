using System.Net;
using System.Text.Json;
using EfaPlatform.AppHost;
using EfaPlatform.TestInfrastructure;
using Microsoft.Playwright;

namespace EfaPlatform.Payment.Tests;

/// <summary>
/// A citizen pays a fee as the platform runs it: signed in with the development eID, through the gateway of the whole
/// platform started by the AppHost (forms announcing the fee, payment with the test provider of the development
/// municipality), paying on the provider's page in headless Chromium.
/// </summary>
public sealed class GatewayTests(PlatformFixture fixture) : IClassFixture<PlatformFixture>, IAsyncLifetime
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(fixture.GatewayUrl), Timeout = TimeSpan.FromSeconds(60) };
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private IPage _page = null!;

    private string ReturnUrl => $"{fixture.GatewayUrl}/buergerportal/antrag-bezahlt";

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(Browsers.HeadlessChromium);
        _page = await _browser.NewPageAsync(new() { Locale = "de-DE" });
        await _page.RouteAsync(ReturnUrl + "**", route => route.FulfillAsync(new() { ContentType = "text/html", Body = "<h1>Bürgerportal</h1>" }));
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        _http.Dispose();
    }

    private async Task<string> CitizenAsync(string pseudonym)
    {
        using var oidc = fixture.Client();
        return (await oidc.SignInWithDevelopmentEidAsync(pseudonym)).Body.GetProperty("access_token").GetString()!;
    }

    private async Task<string> SubmitCertificateAsync(string citizen)
    {
        var (status, submission) = await _http.SendAsync(HttpMethod.Post, "/api/forms/v1/submissions", citizen,
            new { tenantId = DevelopmentTenant.Id, serviceId = "fuehrungszeugnis", answers = SampleAnswers.PrivateCertificate(), language = "de" }, Guid.NewGuid().ToString());
        Assert.True(status == HttpStatusCode.OK, submission.ToString());
        Assert.Equal(1300, submission.GetProperty("feeAmountCents").GetInt64());
        return submission.GetProperty("submissionId").GetString()!;
    }

    private async Task<JsonElement> StartAsync(string citizen, string submissionId)
    {
        var (status, payment) = await _http.SendAsync(HttpMethod.Post, $"/api/payment/v1/submissions/{submissionId}/payment:start", citizen,
            new { returnUrl = ReturnUrl }, Guid.NewGuid().ToString());
        Assert.True(status == HttpStatusCode.OK, payment.ToString());
        return payment;
    }

    private async Task PayOnTheProvidersPageAsync(JsonElement payment, string card)
    {
        var nextUrl = payment.GetProperty("nextUrl").GetString()!;
        Assert.StartsWith($"{fixture.GatewayUrl}/api/payment/v1/test-provider/", nextUrl);
        await _page.GotoAsync(nextUrl);
        await Assertions.Expect(_page.Locator("#amount")).ToHaveTextAsync("13,00 €");
        await _page.GetByLabel("Kartennummer").FillAsync(card);
        await _page.GetByRole(AriaRole.Button, new() { Name = "Jetzt bezahlen" }).ClickAsync();
        await _page.WaitForURLAsync(ReturnUrl, new() { Timeout = 30_000 });
    }

    private async Task<JsonElement> PaymentOfAsync(string citizen, string submissionId, string state) =>
        (await Eventually.WaitAsync(async () =>
        {
            var (status, payment) = await _http.SendAsync(HttpMethod.Get, $"/api/payment/v1/submissions/{submissionId}/payment", citizen);
            return status == HttpStatusCode.OK && payment.GetProperty("state").GetString() == state ? (JsonElement?)payment : null;
        }, TimeSpan.FromSeconds(60), $"the payment is {state}"))!.Value;

    private async Task SubmissionIsAsync(string citizen, string submissionId, string status) =>
        await Eventually.WaitAsync(async () =>
            (await _http.SendAsync(HttpMethod.Get, $"/api/forms/v1/submissions/{submissionId}", citizen)).Body.GetProperty("status").GetString() == status,
            TimeSpan.FromSeconds(60), $"the submission is {status}");

    private async Task<IReadOnlyList<KafkaProbe.Seen>> PaymentEventsAsync(string submissionId) =>
        await KafkaProbe.EventsWithKeyAsync((await fixture.Platform.EndpointAsync("kafka", "broker-1"))["kafka://".Length..], "efa.payment", submissionId,
            TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(30));

    [Fact]
    public async Task A_citizen_pays_the_Fuehrungszeugnis_on_the_providers_page_and_the_submission_ends_paid()
    {
        var citizen = await CitizenAsync("dev-erika-mustermann");
        var submissionId = await SubmitCertificateAsync(citizen);

        var started = await StartAsync(citizen, submissionId);
        Assert.Equal("started", started.GetProperty("state").GetString());
        Assert.Equal(1300, started.GetProperty("amountCents").GetInt64());
        await PayOnTheProvidersPageAsync(started, "4242 4242 4242 4242");

        await SubmissionIsAsync(citizen, submissionId, "paid");
        var paid = await PaymentOfAsync(citizen, submissionId, "succeeded");
        Assert.Equal(started.GetProperty("kassenzeichen").GetString(), paid.GetProperty("kassenzeichen").GetString());
        Assert.Equal(["de.efa.payment.payment.succeeded.v1"], (await PaymentEventsAsync(submissionId)).Select(e => e.Type));

        // Another citizen learns nothing of it; the municipality's caseworker sees it.
        var other = await CitizenAsync("dev-max-mustermann");
        Assert.Equal(HttpStatusCode.NotFound, (await _http.SendAsync(HttpMethod.Get, $"/api/payment/v1/submissions/{submissionId}/payment", other)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.SendAsync(HttpMethod.Post, $"/api/payment/v1/submissions/{submissionId}/payment:start", other,
            new { returnUrl = ReturnUrl }, Guid.NewGuid().ToString())).Status);
        // Neither citizen reaches the municipality's side: payments by id, refunds, settings, exports.
        var paymentId = paid.GetProperty("paymentId").GetString();
        foreach (var token in new[] { citizen, other })
        {
            foreach (var (method, path, body) in new (HttpMethod, string, object?)[]
                     {
                         (HttpMethod.Get, $"/api/payment/v1/payments/{paymentId}", null),
                         (HttpMethod.Post, $"/api/payment/v1/payments/{paymentId}/refunds", new { amountCents = 1300, reason = "selbst erstattet" }),
                         (HttpMethod.Get, $"/api/payment/v1/tenants/{DevelopmentTenant.Id}/settings", null),
                         (HttpMethod.Post, $"/api/payment/v1/tenants/{DevelopmentTenant.Id}/exports", new { date = "2026-01-01" }),
                     })
            {
                Assert.Equal(HttpStatusCode.Forbidden, (await _http.SendAsync(method, path, token, body, Guid.NewGuid().ToString())).Status);
            }
        }

        using var staff = fixture.Client();
        var caseworker = (await staff.SignInAsync("sachbearbeitung@heidelberg.example", fixture.SeedPassword)).Body.GetProperty("access_token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(HttpMethod.Get, $"/api/payment/v1/submissions/{submissionId}/payment", caseworker)).Status);

        // Withdrawn after it was paid: the municipality sees that it owes the fee back.
        Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(HttpMethod.Post, $"/api/forms/v1/submissions/{submissionId}:withdraw", citizen, new { },
            Guid.NewGuid().ToString())).Status);
        await Eventually.WaitAsync(async () => (await _http.SendAsync(HttpMethod.Get, $"/api/payment/v1/submissions/{submissionId}/payment", caseworker)).Body
            .GetProperty("refundDue").GetBoolean(), TimeSpan.FromSeconds(60), "the payment is owed back");
    }

    [Fact]
    public async Task A_declined_payment_fails_and_an_abandoned_one_expires_and_each_time_the_citizen_pays_again()
    {
        var citizen = await CitizenAsync("dev-max-mustermann");
        var submissionId = await SubmitCertificateAsync(citizen);

        var first = await StartAsync(citizen, submissionId);
        await PayOnTheProvidersPageAsync(first, "4000 0000 0000 0002");
        var failed = await PaymentOfAsync(citizen, submissionId, "failed");
        Assert.Equal(1, failed.GetProperty("attempt").GetInt32());

        var second = await StartAsync(citizen, submissionId); // abandoned: the citizen never pays on its page
        Assert.Equal(2, second.GetProperty("attempt").GetInt32());
        Assert.NotEqual(first.GetProperty("kassenzeichen").GetString(), second.GetProperty("kassenzeichen").GetString());
        await PaymentOfAsync(citizen, submissionId, "expired");

        var third = await StartAsync(citizen, submissionId);
        Assert.Equal(3, third.GetProperty("attempt").GetInt32());
        await PayOnTheProvidersPageAsync(third, "4242424242424242");
        await SubmissionIsAsync(citizen, submissionId, "paid");
        Assert.Equal(
            ["de.efa.payment.payment.failed.v1", "de.efa.payment.payment.expired.v1", "de.efa.payment.payment.succeeded.v1"],
            (await PaymentEventsAsync(submissionId)).Select(e => e.Type));
        var (_, submission) = await _http.SendAsync(HttpMethod.Get, $"/api/forms/v1/submissions/{submissionId}", citizen);
        Assert.Contains(submission.GetProperty("history").EnumerateArray(), h => h.GetProperty("reason").GetString() == "payment expired");
    }

    [Fact]
    public async Task A_payment_started_before_PostgreSQL_is_killed_is_there_afterwards_and_is_paid_once()
    {
        var citizen = await CitizenAsync("dev-erika-mustermann");
        var submissionId = await SubmitCertificateAsync(citizen);
        var started = await StartAsync(citizen, submissionId);

        await fixture.Platform.KillAndAwaitRestartAsync("postgres");

        // Acknowledged before the kill, so still there: starting again answers the same payment, once payment is reconnected.
        var again = (await Eventually.WaitAsync(async () =>
        {
            var (status, payment) = await _http.SendAsync(HttpMethod.Post, $"/api/payment/v1/submissions/{submissionId}/payment:start", citizen,
                new { returnUrl = ReturnUrl }, Guid.NewGuid().ToString());
            return status == HttpStatusCode.OK ? (JsonElement?)payment : null;
        }, TimeSpan.FromSeconds(90), "payment answers again after PostgreSQL's restart"))!.Value;
        Assert.Equal(started.GetProperty("paymentId").GetString(), again.GetProperty("paymentId").GetString());
        Assert.Equal(started.GetProperty("nextUrl").GetString(), again.GetProperty("nextUrl").GetString());

        await PayOnTheProvidersPageAsync(again, "4242 4242 4242 4242");
        await SubmissionIsAsync(citizen, submissionId, "paid");
        Assert.Equal(["de.efa.payment.payment.succeeded.v1"], (await PaymentEventsAsync(submissionId)).Select(e => e.Type));
    }

    [Fact]
    public async Task A_return_url_on_another_host_is_refused_and_starts_nothing()
    {
        var citizen = await CitizenAsync("dev-erika-mustermann");
        var submissionId = await SubmitCertificateAsync(citizen);

        var (status, problem) = await _http.SendAsync(HttpMethod.Post, $"/api/payment/v1/submissions/{submissionId}/payment:start", citizen,
            new { returnUrl = "https://evil.example/phish" }, Guid.NewGuid().ToString());

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(problem.GetProperty("errors").TryGetProperty("returnUrl", out _), problem.ToString());
        var payment = await PaymentOfAsync(citizen, submissionId, "created");
        Assert.Equal("", payment.GetProperty("nextUrl").GetString());
    }
}
