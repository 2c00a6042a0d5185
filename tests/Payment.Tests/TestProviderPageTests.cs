using System.Net;
using EfaPlatform.TestInfrastructure;
using Microsoft.Playwright;

namespace EfaPlatform.Payment.Tests;

/// <summary>The test provider's hosted page as a citizen uses it, in headless Chromium: each test card, the confirmation step, cancelling.</summary>
[Collection(PaymentServiceCollection.Name)]
public sealed class TestProviderPageTests(PaymentServiceFixture fixture) : IAsyncLifetime
{
    private readonly PaymentsApi _api = new(fixture);
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private IPage _page = null!;

    public async Task InitializeAsync()
    {
        await _api.SetUpAsync();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(Browsers.HeadlessChromium);
        _page = await _browser.NewPageAsync(new() { Locale = "de-DE" });
        // The municipality's front end, where the provider sends the citizen back.
        await _page.RouteAsync($"{PaymentsApi.ReturnOrigin}/**", route => route.FulfillAsync(new() { ContentType = "text/html", Body = "<h1>Zurück im Bürgerportal</h1>" }));
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        _api.Dispose();
    }

    private async Task<string> OpenPageAsync()
    {
        var payment = await _api.CreatePaymentAsync(1300);
        await _page.GotoAsync(payment.GetProperty("nextUrl").GetString()!);
        await Assertions.Expect(_page.Locator("#amount")).ToHaveTextAsync("13,00 €");
        await Assertions.Expect(_page.Locator("#description")).ToHaveTextAsync("Parkausweis 2027");
        return payment.GetProperty("paymentId").GetString()!;
    }

    private async Task PayWithAsync(string card)
    {
        await _page.GetByLabel("Kartennummer").FillAsync(card);
        await _page.GetByRole(AriaRole.Button, new() { Name = "Jetzt bezahlen" }).ClickAsync();
    }

    private Task BackAtTheMunicipalityAsync() => _page.WaitForURLAsync(PaymentsApi.ReturnUrl, new() { Timeout = 30_000 });

    [Fact]
    public async Task The_succeeding_card_pays_and_sends_the_citizen_back()
    {
        var id = await OpenPageAsync();

        await PayWithAsync("4242 4242 4242 4242");

        await BackAtTheMunicipalityAsync();
        Assert.Equal("succeeded", (await _api.PaymentAsync(id)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task The_declined_card_fails_the_payment()
    {
        var id = await OpenPageAsync();

        await PayWithAsync("4000 0000 0000 0002");

        await BackAtTheMunicipalityAsync();
        Assert.Equal("failed", (await _api.PaymentAsync(id)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task The_card_that_needs_confirming_pays_after_the_confirmation_step_only()
    {
        var id = await OpenPageAsync();

        await PayWithAsync("4000000000003220");
        await Assertions.Expect(_page.GetByRole(AriaRole.Heading, new() { Name = "Zahlung bestätigen" })).ToBeVisibleAsync();
        Assert.Equal("started", (await _api.PaymentAsync(id)).GetProperty("state").GetString());
        await _page.GetByRole(AriaRole.Button, new() { Name = "Bestätigen" }).ClickAsync();

        await BackAtTheMunicipalityAsync();
        Assert.Equal("succeeded", (await _api.PaymentAsync(id)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Cancelling_ends_the_payment_cancelled_and_an_unknown_card_is_explained_on_the_page()
    {
        var id = await OpenPageAsync();

        await PayWithAsync("1234 5678 9012 3456");
        await Assertions.Expect(_page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not one of the test cards");
        Assert.Equal("started", (await _api.PaymentAsync(id)).GetProperty("state").GetString());
        await _page.GetByRole(AriaRole.Button, new() { Name = "Zahlung abbrechen" }).ClickAsync();

        await BackAtTheMunicipalityAsync();
        Assert.Equal("cancelled", (await _api.PaymentAsync(id)).GetProperty("state").GetString());
        // Back on the finished page, paying again is refused there.
        await _page.GoBackAsync();
        await PayWithAsync("4242424242424242");
        await Assertions.Expect(_page.GetByRole(AriaRole.Alert)).ToContainTextAsync("finished");
        Assert.Equal("cancelled", (await _api.PaymentAsync(id)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task An_unknown_session_is_a_problem_document()
    {
        var (status, problem) = await _api.Http.SendAsync(HttpMethod.Get, $"/api/payment/v1/test-provider/sessions/{Guid.NewGuid()}", null);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
    }
}
