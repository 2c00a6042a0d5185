using System.Net;
using EfaPlatform.TestInfrastructure;
using OtpNet;

namespace EfaPlatform.Identity.Tests;

/// <summary>Accounts a test makes for itself: a new citizen, and TOTP set up for it.</summary>
internal static class TestAccounts
{
    public static async Task<string> RegisterCitizenAsync(PlatformFixture fixture, string password)
    {
        using var client = fixture.Client();
        var email = $"citizen-{Guid.NewGuid():N}@buerger.example";
        var (status, _) = await client.CallAsync(HttpMethod.Post, "/api/identity/v1/citizens", null, new { email, password, displayName = "Test Bürgerin" });
        Assert.Equal(HttpStatusCode.OK, status);
        return email;
    }

    /// <summary>Signs in with the password and sets up TOTP; returns the secret.</summary>
    public static async Task<string> EnrolTotpAsync(PlatformFixture fixture, string email, string password)
    {
        using var client = fixture.Client();
        var token = (await client.SignInAsync(email, password)).Body.AccessToken();
        var (status, enrollment) = await client.CallAsync(HttpMethod.Post, "/api/identity/v1/me/totp", token, new { });
        Assert.Equal(HttpStatusCode.OK, status);
        var secret = enrollment.GetProperty("secret").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await client.CallAsync(HttpMethod.Post, "/api/identity/v1/me/totp/confirm", token, new { code = Code(secret) })).Status);
        return secret;
    }

    /// <summary>The code an authenticator app shows now.</summary>
    public static string Code(string secret) => new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp();
}
