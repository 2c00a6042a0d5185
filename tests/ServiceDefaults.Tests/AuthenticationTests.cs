using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using EfaPlatform.ServiceDefaults.Auth;
using EfaPlatform.TestInfrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EfaPlatform.ServiceDefaults.Tests;

/// <summary>
/// A service set up with AddEfaAuthentication, called directly with tokens from an issuer the test controls — some
/// valid, each of the others broken in exactly one way.
/// </summary>
public sealed class AuthenticationTests : IAsyncLifetime
{
    private const string TenantA = "01a20000-0000-7000-8000-00000000000a";
    private const string TenantB = "01a20000-0000-7000-8000-00000000000b";
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private TestIssuer _platform = null!;
    private TestIssuer _keycloak = null!;
    private ServiceHost _service = null!;

    public async Task InitializeAsync()
    {
        _platform = await TestIssuer.StartAsync();
        _keycloak = await TestIssuer.StartAsync(TrustedIssuers.KeycloakRealmPath);
        var configuration = TrustedIssuers.Configuration(_platform, _keycloak, ("Keycloak:RoleMap:efa-operator", EfaClaims.PlatformAdmin));
        _service = await ServiceHost.StartAsync(configuration, builder => builder.AddEfaAuthentication(), mapEndpoints: app =>
        {
            app.MapGet("/anyone", (ClaimsPrincipal user) => user.SubjectId()).RequireAuthorization();
            app.MapGet("/operators", () => "ok").RequireAuthorization(EfaPolicies.AnyRole(EfaClaims.PlatformAdmin));
            app.MapGet("/substantial", () => "ok").RequireAuthorization(EfaPolicies.MinimumTrustLevel(TrustLevel.Substantial));
            app.MapGet("/tenants/{tenant}", (string tenant, ClaimsPrincipal user) =>
                user.CanActForTenant(tenant) ? Results.Ok(tenant) : Results.Forbid()).RequireAuthorization();
        });
    }

    [Fact]
    public async Task A_valid_platform_token_is_accepted()
    {
        var (status, body) = await CallAsync("/anyone", _platform.Issue(TestIssuer.Person("citizen-1")));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("citizen-1", body);
    }

    public static TheoryData<string> BrokenTokens => ["none", "expired", "wrong issuer", "wrong audience", "tampered", "alg none", "unknown key", "garbage"];

    [Theory]
    [MemberData(nameof(BrokenTokens))]
    public async Task A_broken_token_is_refused_with_401(string defect)
    {
        var person = TestIssuer.Person("citizen-1", role: EfaClaims.Citizen);
        string? token = defect switch
        {
            "none" => null,
            "expired" => _platform.Issue(person, expires: DateTime.UtcNow.AddMinutes(-5)),
            "wrong issuer" => _platform.Issue(person, issuer: "http://127.0.0.1:1/somebody-else"),
            "wrong audience" => _platform.Issue(person, audience: "another-api"),
            "tampered" => TestIssuer.Tampered(_platform.Issue(person), "role", EfaClaims.PlatformAdmin),
            "alg none" => TestIssuer.Unsigned(_platform.Issue(person)),
            "unknown key" => _platform.Issue(person, signingKey: TestIssuer.UnknownKey()),
            _ => "not-a-jwt",
        };

        var (status, _) = await CallAsync("/anyone", token);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task A_tampered_role_does_not_open_an_operator_endpoint()
    {
        var token = TestIssuer.Tampered(_platform.Issue(TestIssuer.Person("citizen-1", role: EfaClaims.Citizen)), "role", EfaClaims.PlatformAdmin);
        Assert.Equal(HttpStatusCode.Unauthorized, (await CallAsync("/operators", token)).Status);
    }

    [Fact]
    public async Task The_wrong_role_other_tenant_or_too_low_a_trust_level_is_refused_with_403()
    {
        var caseworker = _platform.Issue(TestIssuer.Person("staff-1", TenantA, EfaClaims.Caseworker, acr: "low"));

        Assert.Equal(HttpStatusCode.Forbidden, (await CallAsync("/operators", caseworker)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await CallAsync($"/tenants/{TenantB}", caseworker)).Status);
        Assert.Equal(HttpStatusCode.OK, (await CallAsync($"/tenants/{TenantA}", caseworker)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await CallAsync("/substantial", caseworker)).Status);
        Assert.Equal(HttpStatusCode.OK, (await CallAsync("/substantial", _platform.Issue(TestIssuer.Person("citizen-2", acr: "high")))).Status);
    }

    [Fact]
    public async Task A_Keycloak_token_is_accepted_with_configured_roles_mapped_and_its_subject_kept_apart()
    {
        var token = _keycloak.Issue(
            [new Claim("sub", "kc-user-1"), new Claim("acr", "substantial")], audience: "efa-platform",
            extraPayload: new Dictionary<string, object>
            {
                ["realm_access"] = new Dictionary<string, object> { ["roles"] = new[] { "offline_access" } },
                ["resource_access"] = new Dictionary<string, object>
                {
                    ["efa-platform"] = new Dictionary<string, object> { ["roles"] = new[] { "efa-operator" } },
                },
            });

        Assert.Equal(HttpStatusCode.OK, (await CallAsync("/operators", token)).Status);
        Assert.Equal("kc:kc-user-1", (await CallAsync("/anyone", token)).Body);
    }

    [Fact]
    public async Task A_Keycloak_role_that_is_not_mapped_gives_no_platform_role()
    {
        // Named like a platform role, in the realm, the client and a claim of its own: none of it is configured.
        var token = _keycloak.Issue(
            [new Claim("sub", "kc-user-2"), new Claim("acr", "substantial"), new Claim("role", EfaClaims.PlatformAdmin)], audience: "efa-platform",
            extraPayload: new Dictionary<string, object>
            {
                ["realm_access"] = new Dictionary<string, object> { ["roles"] = new[] { EfaClaims.PlatformAdmin } },
                ["resource_access"] = new Dictionary<string, object>
                {
                    ["efa-platform"] = new Dictionary<string, object> { ["roles"] = new[] { EfaClaims.PlatformAdmin } },
                },
            });

        Assert.Equal(HttpStatusCode.Forbidden, (await CallAsync("/operators", token)).Status);
        Assert.Equal(HttpStatusCode.OK, (await CallAsync("/anyone", token)).Status);
    }

    [Fact]
    public async Task A_Keycloak_token_for_another_audience_or_from_another_realm_is_refused()
    {
        var otherAudience = _keycloak.Issue([new Claim("sub", "kc-user-1")], audience: "account");
        var otherRealm = _keycloak.Issue([new Claim("sub", "kc-user-1")], audience: "efa-platform",
            issuer: _keycloak.Issuer.Replace("/realms/municipality", "/realms/other"));

        Assert.Equal(HttpStatusCode.Unauthorized, (await CallAsync("/anyone", otherAudience)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await CallAsync("/anyone", otherRealm)).Status);
    }

    public async Task DisposeAsync()
    {
        await _service.DisposeAsync();
        await _platform.DisposeAsync();
        await _keycloak.DisposeAsync();
        _http.Dispose();
    }

    private async Task<(HttpStatusCode Status, string Body)> CallAsync(string path, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _service.HttpUrl + path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await _http.SendAsync(request);
        return (response.StatusCode, (await response.Content.ReadAsStringAsync()).Trim('"'));
    }
}
