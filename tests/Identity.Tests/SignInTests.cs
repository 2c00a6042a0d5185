using System.Net;
using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.Identity.Tests;

[Collection(PlatformCollection.Name)]
public sealed class SignInTests(PlatformFixture fixture) : IDisposable
{
    private readonly OidcClient _client = fixture.Client();

    private async Task<string> RegisterCitizenAsync(string password)
    {
        var email = $"citizen-{Guid.NewGuid():N}@buerger.example";
        var (status, _) = await _client.CallAsync(HttpMethod.Post, "/api/identity/v1/citizens", null, new { email, password, displayName = "Test Bürgerin" });
        Assert.Equal(HttpStatusCode.OK, status);
        return email;
    }

    [Fact]
    public async Task After_five_wrong_passwords_even_the_right_one_is_refused_with_the_answer_an_unknown_address_gets()
    {
        const string password = "Sommer-2026-Heidelberg";
        var email = await RegisterCitizenAsync(password);

        for (var attempt = 1; attempt <= 5; attempt++)
        {
            Assert.Contains("Passwort ist falsch", (await _client.PostLoginFormAsync(email, "wrong-" + attempt)).Content, StringComparison.Ordinal);
        }

        // The account now waits before its password is checked again; it says so no differently from an unknown address.
        var (knownStatus, known) = await _client.PostLoginFormAsync(email, password);
        var (_, unknown) = await _client.PostLoginFormAsync($"nobody-{Guid.NewGuid():N}@buerger.example", password);
        Assert.Equal(HttpStatusCode.OK, knownStatus);
        Assert.Equal("E-Mail-Adresse oder Passwort ist falsch.", PageSession.FormErrorOf(known));
        Assert.Equal(PageSession.FormErrorOf(known), PageSession.FormErrorOf(unknown));
    }

    [Fact]
    public async Task A_NUL_character_in_the_sign_in_form_is_refused_with_400_not_a_server_error()
    {
        var (status, content) = await _client.PostLoginFormAsync("erika\u0000@buerger.example", "Sommer-2026-Heidelberg");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("control characters", content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nobody_can_register_an_eID_accounts_address_in_advance()
    {
        var (status, problem) = await _client.CallAsync(HttpMethod.Post, "/api/identity/v1/citizens", null,
            new { email = $"dev-{Guid.NewGuid():N}@eid.invalid", password = "Sommer-2026-Heidelberg", displayName = "Max" });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(".invalid is reserved", problem.GetProperty("errors").GetProperty("email")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signing_in_with_TOTP_gives_trust_level_substantial()
    {
        const string password = "Winter-2026-Heidelberg";
        var email = await RegisterCitizenAsync(password);
        var first = (await _client.SignInAsync(email, password)).Body.AccessToken();
        var (_, enrollment) = await _client.CallAsync(HttpMethod.Post, "/api/identity/v1/me/totp", first, new { });
        var secret = enrollment.GetProperty("secret").GetString()!;
        var code = new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(secret)).ComputeTotp();
        Assert.Equal(HttpStatusCode.OK, (await _client.CallAsync(HttpMethod.Post, "/api/identity/v1/me/totp/confirm", first, new { code })).Status);

        using var fresh = fixture.Client();
        var (status, tokens) = await fresh.SignInAsync(email, password, totpSecret: secret);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("substantial", Jwt.Payload(tokens.AccessToken()).GetProperty("acr").GetString());
    }

    [Fact]
    public async Task A_weak_password_is_refused_with_the_field_named_and_a_taken_email_is_answered_like_a_new_one()
    {
        var (weakStatus, weak) = await _client.CallAsync(HttpMethod.Post, "/api/identity/v1/citizens", null,
            new { email = $"c-{Guid.NewGuid():N}@buerger.example", password = "kurz", displayName = "X" });
        Assert.Equal(HttpStatusCode.BadRequest, weakStatus);
        Assert.Contains("at least 12", weak.GetProperty("errors").GetProperty("password")[0].GetString(), StringComparison.Ordinal);

        // Registration does not tell which addresses have accounts (README, "Registration"): a taken address gets 200 and
        // the answer a new one gets, and the account that has the address keeps its password. (Until issue 8 this was 409.)
        const string password = "Fruehling-2026-Heidelberg";
        var email = await RegisterCitizenAsync(password);
        var (newStatus, fresh) = await _client.CallAsync(HttpMethod.Post, "/api/identity/v1/citizens", null,
            new { email = $"c-{Guid.NewGuid():N}@buerger.example", password, displayName = "X" });
        var (takenStatus, taken) = await _client.CallAsync(HttpMethod.Post, "/api/identity/v1/citizens", null,
            new { email, password = "Anderer-Fruehling-2026", displayName = "X" });
        Assert.Equal(HttpStatusCode.OK, newStatus);
        Assert.Equal(HttpStatusCode.OK, takenStatus);
        Assert.Equal(WithoutEmail(fresh), WithoutEmail(taken));
        Assert.Equal(email, taken.GetProperty("email").GetString());
        using var owner = fixture.Client();
        Assert.Equal(HttpStatusCode.OK, (await owner.SignInAsync(email, password)).Status);
    }

    private static string WithoutEmail(System.Text.Json.JsonElement profile) =>
        System.Text.Json.JsonSerializer.Serialize(profile.EnumerateObject().Where(p => p.Name != "email").ToDictionary(p => p.Name, p => p.Value));

    [Fact]
    public async Task An_organisation_registers_signs_in_and_is_told_apart_from_citizens()
    {
        const string password = "Firma-2026-Mannheim!";
        var email = $"org-{Guid.NewGuid():N}@muster-gmbh.example";
        var (status, profile) = await _client.CallAsync(HttpMethod.Post, "/api/identity/v1/organisations", null, new { email, password, displayName = "Muster GmbH" });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("organisation", profile.GetProperty("kind").GetString());

        var token = (await _client.SignInAsync(email, password)).Body.AccessToken();
        Assert.Equal("organisation", Jwt.Payload(token).GetProperty("role").GetString());
    }

    [Fact]
    public async Task Introspection_reports_a_live_token_and_logout_ends_the_sign_in()
    {
        await _client.SignInAsync("erika@buerger.example", fixture.SeedPassword);
        var clientToken = (await _client.ClientCredentialsAsync("heidelberg-fachverfahren", fixture.Platform.Secret("identity-seed-client"), "efa.forms")).Body.AccessToken();
        using var introspection = new HttpClient { BaseAddress = new Uri(fixture.GatewayUrl) };
        introspection.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"heidelberg-fachverfahren:{fixture.Platform.Secret("identity-seed-client")}")));
        using var response = await introspection.PostAsync("/connect/introspect",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = clientToken }));
        var result = System.Text.Json.JsonSerializer.Deserialize<System.Text.Json.JsonElement>(await response.Content.ReadAsStringAsync());
        // A client may introspect the tokens it was given itself.
        Assert.True(result.GetProperty("active").GetBoolean());
        Assert.Equal("heidelberg-fachverfahren", result.GetProperty("client_id").GetString());

        // Signed in: a second authorization needs no password. After logout it does.
        var (url, _) = _client.AuthorizationRequest();
        Assert.StartsWith(_client.RedirectUri, await _client.RedirectAsync(url), StringComparison.Ordinal);
        await _client.RedirectAsync($"{fixture.GatewayUrl}/connect/logout");
        Assert.Contains("/account/login", await _client.RedirectAsync(_client.AuthorizationRequest().Url), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_authorization_request_from_an_unknown_client_shows_an_error_page_not_a_redirect()
    {
        using var http = new HttpClient { BaseAddress = new Uri(fixture.GatewayUrl) };
        using var response = await http.GetAsync("/connect/authorize?client_id=nobody&response_type=code&scope=openid&redirect_uri=https%3A%2F%2Fevil.example%2F&code_challenge=abc&code_challenge_method=S256");
        var page = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Contains("Die Anmeldung konnte nicht abgeschlossen werden.", page, StringComparison.Ordinal);
        Assert.Contains("invalid_request", page, StringComparison.Ordinal);
        Assert.DoesNotContain("evil.example", page, StringComparison.Ordinal);

        using var api = await http.GetAsync("/api/identity/v1/me");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.NotEqual("text/html", api.Content.Headers.ContentType?.MediaType);
    }

    public void Dispose() => _client.Dispose();
}
