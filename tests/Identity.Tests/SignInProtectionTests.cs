using System.Net;
using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.Identity.Tests;

/// <summary>Failed sign-ins counted exactly, waits a second factor gets past, codes used once, prompt=login (issue 8, findings 8, 14, 15, 16).</summary>
[Collection(PlatformCollection.Name)]
public sealed class SignInProtectionTests(PlatformFixture fixture, ITestOutputHelper output) : IDisposable
{
    private const string WrongCredentials = "E-Mail-Adresse oder Passwort ist falsch.";
    private readonly PageSession _session = new(fixture.GatewayUrl);

    [Fact]
    public async Task Fifty_parallel_wrong_passwords_count_up_to_the_limit_and_then_even_the_right_one_waits()
    {
        const string password = "Parallel-2026-Heidelberg";
        var email = await TestAccounts.RegisterCitizenAsync(fixture, password);
        var antiForgery = await _session.AntiForgeryAsync("/account/login");

        var answers = await Task.WhenAll(Enumerable.Range(1, 50).Select(attempt => _session.PostAsync("/account/login", new()
        {
            ["Email"] = email, ["Password"] = $"falsch-{attempt}", ["__RequestVerificationToken"] = antiForgery,
        })));

        Assert.All(answers, answer => Assert.Equal(WrongCredentials, answer.FormError));
        Assert.Equal(5, await IdentityDatabase.FailedSignInsAsync(fixture, email));
        var right = await _session.PostFormAsync("/account/login", new() { ["Email"] = email, ["Password"] = password });
        Assert.Null(right.Location);
        Assert.Equal(WrongCredentials, right.FormError);
        // A check refused during the wait is not counted: failing on purpose cannot make the wait grow faster.
        Assert.Equal(5, await IdentityDatabase.FailedSignInsAsync(fixture, email));
    }

    [Fact]
    public async Task A_person_with_TOTP_signs_in_with_password_and_code_while_the_password_alone_waits()
    {
        const string password = "Warten-2026-Heidelberg";
        var email = await TestAccounts.RegisterCitizenAsync(fixture, password);
        var secret = await TestAccounts.EnrolTotpAsync(fixture, email, password);
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            Assert.Null((await _session.PostFormAsync("/account/login", new() { ["Email"] = email, ["Password"] = $"falsch-{attempt}" })).Location);
        }

        var (url, verifier) = _session.AuthorizationRequest();
        var login = await _session.FollowAsync(url);
        var passwordAlone = await _session.PostFormAsync(login, new() { ["Email"] = email, ["Password"] = password });
        Assert.Null(passwordAlone.Location);
        Assert.Equal(WrongCredentials, passwordAlone.FormError);
        Assert.Contains("WithCode=true", passwordAlone.Page, StringComparison.Ordinal);

        var withCode = await _session.PostFormAsync(login + "&WithCode=true",
            new() { ["Email"] = email, ["Password"] = password, ["Code"] = TestAccounts.Code(secret) });
        var callback = await _session.FollowAsync(withCode.Location ?? throw new InvalidOperationException($"Refused: {withCode.FormError}"));
        var (status, tokens) = await _session.RedeemAsync(callback, verifier);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("substantial", Jwt.Payload(tokens.AccessToken()).GetProperty("acr").GetString());
        Assert.Equal(0, await IdentityDatabase.FailedSignInsAsync(fixture, email));
    }

    [Fact]
    public async Task A_TOTP_code_signs_in_once()
    {
        const string password = "Einmal-2026-Heidelberg";
        var email = await TestAccounts.RegisterCitizenAsync(fixture, password);
        var secret = await TestAccounts.EnrolTotpAsync(fixture, email, password);
        var code = TestAccounts.Code(secret);
        Assert.True(PageSession.HasCode(await _session.SignInAsync(_session.AuthorizationRequest().Url, email, password, () => code)));

        // The same code again, in another browser, while it is still current.
        using var other = new PageSession(fixture.GatewayUrl);
        var login = await other.FollowAsync(other.AuthorizationRequest().Url);
        var toCode = await other.PostFormAsync(login, new() { ["Email"] = email, ["Password"] = password });
        Assert.StartsWith("/account/totp", toCode.Location, StringComparison.Ordinal);
        var replay = await other.PostFormAsync(toCode.Location!, new() { ["Code"] = code });

        Assert.Null(replay.Location);
        Assert.Equal("Der Sicherheitscode ist falsch oder abgelaufen.", replay.FormError);
    }

    [Fact]
    public async Task An_authorization_request_with_prompt_login_asks_for_the_password_again_once_and_ends_in_a_code()
    {
        const string password = "Nochmal-2026-Heidelberg";
        var email = await TestAccounts.RegisterCitizenAsync(fixture, password);
        Assert.True(PageSession.HasCode(await _session.SignInAsync(_session.AuthorizationRequest().Url, email, password)));
        Assert.True(PageSession.HasCode(await _session.FollowAsync(_session.AuthorizationRequest().Url)), "signed in: no password asked");

        var (url, verifier) = _session.AuthorizationRequest(prompt: "login");
        var login = await _session.FollowAsync(url);
        Assert.Contains("/account/login", login, StringComparison.Ordinal);
        var signedIn = await _session.PostFormAsync(login, new() { ["Email"] = email, ["Password"] = password });
        var end = await _session.FollowAsync(signedIn.Location ?? throw new InvalidOperationException($"Refused: {signedIn.FormError}"));

        Assert.True(PageSession.HasCode(end), $"ended on {end}");
        Assert.Equal(HttpStatusCode.OK, (await _session.RedeemAsync(end, verifier)).Status);
    }

    public void Dispose()
    {
        output.WriteLine(fixture.Platform.OutputText);
        _session.Dispose();
    }
}
