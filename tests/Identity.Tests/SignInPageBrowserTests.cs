using System.Net;
using EfaPlatform.TestInfrastructure;
using Microsoft.Playwright;

namespace EfaPlatform.Identity.Tests;

/// <summary>The sign-in pages as a citizen uses them, in headless Chromium, through the gateway.</summary>
[Collection(PlatformCollection.Name)]
public sealed class SignInPageBrowserTests(PlatformFixture fixture) : IAsyncLifetime
{
    private readonly OidcClient _client = fixture.Client();
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private IPage _page = null!;

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(Browsers.HeadlessChromium);
        // A German browser: the pages follow Accept-Language.
        _page = await _browser.NewPageAsync(new() { Locale = "de-DE" });
    }

    private async Task<string> RegisterCitizenAsync(string password)
    {
        var email = $"browser-{Guid.NewGuid():N}@buerger.example";
        Assert.Equal(HttpStatusCode.OK, (await _client.CallAsync(HttpMethod.Post, "/api/identity/v1/citizens", null, new { email, password, displayName = "Test Bürger" })).Status);
        return email;
    }

    private async Task<string> EndOnCallbackAsync()
    {
        await _page.WaitForURLAsync(url => url.StartsWith(_client.RedirectUri, StringComparison.Ordinal), new() { Timeout = 30_000 });
        return _page.Url;
    }

    [Fact]
    public async Task A_citizen_with_TOTP_signs_in_and_gets_trust_level_substantial()
    {
        const string password = "Herbst-2026-Heidelberg";
        var email = await RegisterCitizenAsync(password);
        var first = (await _client.SignInAsync(email, password)).Body.AccessToken();
        var secret = (await _client.CallAsync(HttpMethod.Post, "/api/identity/v1/me/totp", first, new { })).Body.GetProperty("secret").GetString()!;
        var totp = new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(secret));
        await _client.CallAsync(HttpMethod.Post, "/api/identity/v1/me/totp/confirm", first, new { code = totp.ComputeTotp() });

        var (url, verifier) = _client.AuthorizationRequest();
        await _page.GotoAsync(url);
        await _page.GetByLabel("E-Mail-Adresse").FillAsync(email);
        await _page.GetByLabel("Passwort").FillAsync(password);
        await _page.GetByRole(AriaRole.Button, new() { Name = "Anmelden" }).ClickAsync();
        await Assertions.Expect(_page.GetByRole(AriaRole.Heading, new() { Name = "Anmeldung in zwei Schritten" })).ToBeVisibleAsync();
        await _page.GetByLabel("Sicherheitscode").FillAsync(totp.ComputeTotp());
        await _page.GetByRole(AriaRole.Button, new() { Name = "Bestätigen" }).ClickAsync();

        var (status, tokens) = await _client.RedeemCallbackAsync(await EndOnCallbackAsync(), verifier);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("substantial", Jwt.Payload(tokens.AccessToken()).GetProperty("acr").GetString());
    }

    [Fact]
    public async Task A_wrong_password_shows_a_message_tied_to_the_fields()
    {
        var email = await RegisterCitizenAsync("Schnee-2026-Heidelberg");
        await _page.GotoAsync(_client.AuthorizationRequest().Url);
        await _page.GetByLabel("E-Mail-Adresse").FillAsync(email);
        await _page.GetByLabel("Passwort").FillAsync("falsch-falsch-falsch");
        await _page.GetByRole(AriaRole.Button, new() { Name = "Anmelden" }).ClickAsync();

        var alert = _page.GetByRole(AriaRole.Alert);
        await Assertions.Expect(alert).ToHaveTextAsync("E-Mail-Adresse oder Passwort ist falsch.");
        var password = _page.GetByLabel("Passwort");
        await Assertions.Expect(password).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(password).ToHaveAttributeAsync("aria-describedby", "form-error");
        await Assertions.Expect(_page.GetByLabel("E-Mail-Adresse")).ToHaveValueAsync(email);
    }

    [Fact]
    public async Task The_sign_in_works_with_the_keyboard_alone_and_in_English()
    {
        const string password = "Regen-2026-Heidelberg";
        var email = await RegisterCitizenAsync(password);
        var (url, verifier) = _client.AuthorizationRequest();
        await _page.GotoAsync(url);
        await _page.GetByRole(AriaRole.Link, new() { Name = "English" }).ClickAsync();
        await Assertions.Expect(_page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await Assertions.Expect(_page.Locator("html")).ToHaveAttributeAsync("lang", "en");

        var order = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            await _page.Keyboard.PressAsync("Tab");
            order.Add(await _page.EvaluateAsync<string>("() => document.activeElement.id || document.activeElement.textContent.trim()"));
        }

        Assert.Equal(["Deutsch", "English", "email", "password", "Sign in"], order);
        await _page.Locator("#email").FocusAsync();
        await _page.Keyboard.TypeAsync(email);
        await _page.Keyboard.PressAsync("Tab");
        await _page.Keyboard.TypeAsync(password);
        await _page.Keyboard.PressAsync("Enter");

        Assert.Equal(HttpStatusCode.OK, (await _client.RedeemCallbackAsync(await EndOnCallbackAsync(), verifier)).Status);
    }

    [Fact]
    public async Task The_development_eID_signs_in_a_test_person_at_trust_level_high()
    {
        var (url, verifier) = _client.AuthorizationRequest();
        await _page.GotoAsync(url);
        await _page.GetByRole(AriaRole.Link, new() { Name = "Entwicklungs-eID" }).ClickAsync();
        await Assertions.Expect(_page.GetByText("kein echter Personalausweis")).ToBeVisibleAsync();
        await _page.GetByLabel("Max Mustermann, Heidelberg").CheckAsync();
        await _page.GetByRole(AriaRole.Button, new() { Name = "Weiter" }).ClickAsync();

        var (_, tokens) = await _client.RedeemCallbackAsync(await EndOnCallbackAsync(), verifier);
        var claims = Jwt.Payload(tokens.AccessToken());
        Assert.Equal("high", claims.GetProperty("acr").GetString());
        Assert.Equal("citizen", claims.GetProperty("role").GetString());
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        _client.Dispose();
    }
}
