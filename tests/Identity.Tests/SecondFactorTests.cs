using System.Net;
using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.Identity.Tests;

/// <summary>Who may set up or change TOTP, and what an enrolment does to older sessions (issue 8, finding 7).</summary>
[Collection(PlatformCollection.Name)]
public sealed class SecondFactorTests(PlatformFixture fixture) : IDisposable
{
    private readonly OidcClient _client = fixture.Client();

    [Fact]
    public async Task A_token_refreshed_from_before_the_enrolment_cannot_change_TOTP_and_the_old_refresh_token_is_revoked()
    {
        const string password = "Zweiter-Faktor-2026";
        var email = await TestAccounts.RegisterCitizenAsync(fixture, password);
        var (_, signedIn) = await _client.SignInAsync(email, password);
        var (refreshStatus, refreshed) = await _client.RefreshAsync(signedIn.GetProperty("refresh_token").GetString()!);
        Assert.Equal(HttpStatusCode.OK, refreshStatus);
        var oldAccessToken = refreshed.AccessToken();
        var oldRefreshToken = refreshed.GetProperty("refresh_token").GetString()!;

        // Enrolment with the fresh sign-in: password only, as the account has no second factor yet.
        var (beginStatus, enrollment) = await _client.CallAsync(HttpMethod.Post, "/api/identity/v1/me/totp", signedIn.AccessToken(), new { });
        Assert.Equal(HttpStatusCode.OK, beginStatus);
        var secret = enrollment.GetProperty("secret").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await _client.CallAsync(HttpMethod.Post, "/api/identity/v1/me/totp/confirm", signedIn.AccessToken(),
            new { code = TestAccounts.Code(secret) })).Status);

        // The token refreshed from before the enrolment has trust level low, which no longer suffices to change TOTP.
        var (refusedStatus, refused) = await _client.CallAsync(HttpMethod.Post, "/api/identity/v1/me/totp", oldAccessToken, new { });
        Assert.Equal(HttpStatusCode.Forbidden, refusedStatus);
        Assert.Contains("sign in again", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var (_, profile) = await _client.CallAsync(HttpMethod.Get, "/api/identity/v1/me", oldAccessToken);
        Assert.True(profile.GetProperty("totpEnabled").GetBoolean());
        var (revokedStatus, revoked) = await _client.RefreshAsync(oldRefreshToken);
        Assert.Equal(HttpStatusCode.BadRequest, revokedStatus);
        Assert.Equal("invalid_grant", revoked.GetProperty("error").GetString());

        // A new sign-in with the code may start another enrolment; until that is confirmed the enrolled secret stays in force.
        using var withCode = fixture.Client();
        var (substantialStatus, substantial) = await withCode.SignInAsync(email, password, totpSecret: secret);
        Assert.Equal(HttpStatusCode.OK, substantialStatus);
        Assert.Equal(HttpStatusCode.OK, (await withCode.CallAsync(HttpMethod.Post, "/api/identity/v1/me/totp", substantial.AccessToken(), new { })).Status);
        var (_, after) = await withCode.CallAsync(HttpMethod.Get, "/api/identity/v1/me", substantial.AccessToken());
        Assert.True(after.GetProperty("totpEnabled").GetBoolean());
    }

    [Fact]
    public async Task A_sign_in_cookie_from_before_the_enrolment_yields_no_more_tokens()
    {
        const string password = "Keks-2026-Heidelberg";
        var email = await TestAccounts.RegisterCitizenAsync(fixture, password);
        using var session = new PageSession(fixture.GatewayUrl);
        Assert.True(PageSession.HasCode(await session.SignInAsync(session.AuthorizationRequest().Url, email, password)));
        await TestAccounts.EnrolTotpAsync(fixture, email, password);

        var next = await session.FollowAsync(session.AuthorizationRequest().Url);

        Assert.False(PageSession.HasCode(next), $"ended on {next}");
        Assert.Contains("/account/login", next, StringComparison.Ordinal);
    }

    public void Dispose() => _client.Dispose();
}
