using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace EfaPlatform.Identity.Tests;

/// <summary>Which requests count against which rate limit (issue 8, finding 14); no platform needed.</summary>
public sealed class RateLimitPartitionTests
{
    private static readonly IdentityRateLimitOptions Limits = new();

    private static DefaultHttpContext Request(string method, string path, Dictionary<string, StringValues>? form = null, string? authorization = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        context.Connection.RemoteIpAddress = IPAddress.Parse("192.0.2.7");
        if (form is not null)
        {
            context.Request.ContentType = "application/x-www-form-urlencoded";
            context.Request.Form = new FormCollection(form);
        }

        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        return context;
    }

    [Fact]
    public void A_client_credentials_request_counts_for_its_address_and_its_client()
    {
        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("heidelberg-fachverfahren:geheim"));
        var context = Request("POST", "/connect/token", new() { ["grant_type"] = "client_credentials", ["scope"] = "efa.forms" }, basic);

        Assert.Equal(new IdentityRateLimits.Limit("token:192.0.2.7", Limits.TokensPerAddress), IdentityRateLimits.ByAddress(context, Limits));
        Assert.Equal(new IdentityRateLimits.Limit("token:heidelberg-fachverfahren", Limits.TokensPerClient), IdentityRateLimits.ByAccount(context, Limits));
    }

    [Fact]
    public void A_code_redemption_names_only_the_shared_web_client_and_counts_for_its_address_alone()
    {
        var context = Request("POST", "/connect/token", new() { ["grant_type"] = "authorization_code", ["client_id"] = "efa-dev-web", ["code"] = "c" });

        Assert.Equal("token:192.0.2.7", IdentityRateLimits.ByAddress(context, Limits)?.Key);
        Assert.False(IdentityRateLimits.ByAccount(context, Limits).HasValue);
    }

    [Theory]
    [InlineData("/account/login")]
    [InlineData("/Account/Login/")]
    public void A_password_post_counts_for_its_address_and_its_email_address(string path)
    {
        var context = Request("POST", path, new() { ["Email"] = " Erika@Buerger.example ", ["Password"] = "falsch" });

        Assert.Equal(new IdentityRateLimits.Limit("sign-in:192.0.2.7", Limits.SignInsPerAddress), IdentityRateLimits.ByAddress(context, Limits));
        Assert.Equal(new IdentityRateLimits.Limit("sign-in:erika@buerger.example", Limits.SignInsPerAccount), IdentityRateLimits.ByAccount(context, Limits));
    }

    [Fact]
    public void A_post_with_password_and_code_counts_for_its_address_only_so_that_flooding_an_account_cannot_keep_its_owner_out()
    {
        var context = Request("POST", "/account/login", new() { ["Email"] = "erika@buerger.example", ["Password"] = "p", ["Code"] = "123456", ["WithCode"] = "true" });

        Assert.True(IdentityRateLimits.ByAddress(context, Limits).HasValue);
        Assert.False(IdentityRateLimits.ByAccount(context, Limits).HasValue);
    }

    [Fact]
    public void A_code_sent_along_with_a_password_only_sign_in_still_counts_for_the_account()
    {
        // The page checks the password alone unless WithCode is set: a stray Code field must not skip the account's limit.
        var context = Request("POST", "/account/login", new() { ["Email"] = "erika@buerger.example", ["Password"] = "p", ["Code"] = "1" });

        Assert.Equal(new IdentityRateLimits.Limit("sign-in:erika@buerger.example", Limits.SignInsPerAccount), IdentityRateLimits.ByAccount(context, Limits));
    }

    [Theory]
    [InlineData("/api/identity/v1/citizens")]
    [InlineData("/api/identity/v1/organisations")]
    [InlineData("/efa.identity.v1.AccountsService/RegisterCitizen")]
    public void Registrations_count_for_their_address(string path) =>
        Assert.Equal(new IdentityRateLimits.Limit("registration:192.0.2.7", Limits.RegistrationsPerAddress), IdentityRateLimits.ByAddress(Request("POST", path), Limits));

    [Theory]
    [InlineData("GET", "/account/login")]
    [InlineData("POST", "/api/identity/v1/me/totp")]
    [InlineData("GET", "/.well-known/openid-configuration")]
    public void Other_requests_are_not_limited(string method, string path)
    {
        var context = Request(method, path);

        Assert.False(IdentityRateLimits.ByAddress(context, Limits).HasValue);
        Assert.False(IdentityRateLimits.ByAccount(context, Limits).HasValue);
    }
}
