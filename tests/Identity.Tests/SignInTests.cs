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
    public async Task An_account_is_locked_after_five_wrong_passwords_even_for_the_right_one()
    {
        const string password = "Sommer-2026-Heidelberg";
        var email = await RegisterCitizenAsync(password);

        for (var attempt = 1; attempt <= 4; attempt++)
        {
            Assert.Contains("Passwort ist falsch", (await _client.PostLoginFormAsync(email, "wrong-" + attempt)).Content, StringComparison.Ordinal);
        }

        Assert.Contains("vorübergehend gesperrt", (await _client.PostLoginFormAsync(email, "wrong-5")).Content, StringComparison.Ordinal);
        Assert.Contains("vorübergehend gesperrt", (await _client.PostLoginFormAsync(email, password)).Content, StringComparison.Ordinal);
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
    public async Task A_weak_password_or_taken_email_is_refused_with_the_field_named()
    {
        var (weakStatus, weak) = await _client.CallAsync(HttpMethod.Post, "/api/identity/v1/citizens", null,
            new { email = $"c-{Guid.NewGuid():N}@buerger.example", password = "kurz", displayName = "X" });
        Assert.Equal(HttpStatusCode.BadRequest, weakStatus);
        Assert.Contains("\"password\"", weak.GetRawText(), StringComparison.Ordinal);

        var email = await RegisterCitizenAsync("Fruehling-2026-Heidelberg");
        var (takenStatus, _) = await _client.CallAsync(HttpMethod.Post, "/api/identity/v1/citizens", null,
            new { email, password = "Fruehling-2026-Heidelberg", displayName = "X" });
        Assert.Equal(HttpStatusCode.Conflict, takenStatus);
    }

    public void Dispose() => _client.Dispose();
}
