using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.Identity.Tests;

/// <summary>Rate limits of sign-in and registration, with the default limits (issue 8, finding 14).</summary>
[Collection(PlatformCollection.Name)]
public sealed class RateLimitTests(PlatformFixture fixture) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(fixture.GatewayUrl) };

    [Fact]
    public async Task Password_posts_for_one_account_are_limited_with_429_Retry_After_and_a_problem()
    {
        using var session = new PageSession(fixture.GatewayUrl);
        var email = $"limit-{Guid.NewGuid():N}@buerger.example";
        var answers = new List<PageSession.FormAnswer>();

        // Without an anti-forgery token the page refuses each post (400), but the limit has counted it first: cheap posts.
        for (var post = 1; post <= new IdentityRateLimitOptions().SignInsPerAccount + 1; post++)
        {
            answers.Add(await session.PostAsync("/account/login", new() { ["Email"] = email, ["Password"] = "falsch" }));
        }

        Assert.DoesNotContain(answers[..^1], answer => answer.Status == HttpStatusCode.TooManyRequests);
        var limited = answers[^1];
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.Status);
        Assert.True(limited.RetryAfter > TimeSpan.Zero, "Retry-After is set");
        Assert.Equal("application/problem+json", limited.ContentType);
        Assert.Equal(429, JsonSerializer.Deserialize<JsonElement>(limited.Page).GetProperty("status").GetInt32());

        // The limit is the account's: another e-mail address from the same client address goes on.
        var other = await session.PostAsync("/account/login", new() { ["Email"] = "other-" + email, ["Password"] = "falsch" });
        Assert.NotEqual(HttpStatusCode.TooManyRequests, other.Status);
    }

    [Fact]
    public async Task Registering_one_address_again_answers_like_the_first_time_until_the_limit_then_429()
    {
        const string password = "Wieder-2026-Heidelberg";
        var email = $"again-{Guid.NewGuid():N}@buerger.example";
        var (firstStatus, first, _) = await RegisterAsync(email, password);
        Assert.Equal(HttpStatusCode.OK, firstStatus);
        Assert.False(first.TryGetProperty("subject", out var subject) && subject.GetString() is { Length: > 0 }, "no account id before the first sign-in");

        for (var repeat = 2; repeat <= new IdentityRateLimitOptions().RegistrationsPerAccount; repeat++)
        {
            var (status, again, _) = await RegisterAsync(email, "Anderes-Passwort-2026");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(first.GetRawText(), again.GetRawText());
        }

        var (limitedStatus, problem, retryAfter) = await RegisterAsync(email, "Anderes-Passwort-2026");
        Assert.Equal(HttpStatusCode.TooManyRequests, limitedStatus);
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.True(retryAfter > TimeSpan.Zero, "Retry-After is set");

        // Nothing of it changed the account; and a staff member's address is answered like any other.
        using var owner = fixture.Client();
        Assert.Equal(HttpStatusCode.OK, (await owner.SignInAsync(email, password)).Status);
        var (staffStatus, staff, _) = await RegisterAsync("sachbearbeitung@heidelberg.example", "Fremdes-Passwort-2026");
        Assert.Equal(HttpStatusCode.OK, staffStatus);
        Assert.Equal("citizen", staff.GetProperty("kind").GetString());
        Assert.Equal(first.GetRawText().Replace(email, "sachbearbeitung@heidelberg.example", StringComparison.Ordinal), staff.GetRawText());
    }

    private async Task<(HttpStatusCode Status, JsonElement Body, TimeSpan? RetryAfter)> RegisterAsync(string email, string password)
    {
        using var response = await _http.PostAsJsonAsync("/api/identity/v1/citizens", new { email, password, displayName = "Test Bürgerin" });
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonSerializer.Deserialize<JsonElement>(text), response.Headers.RetryAfter?.Delta);
    }

    public void Dispose() => _http.Dispose();
}
