using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using EfaPlatform.ServiceDefaults.Auth;
using EfaPlatform.TestInfrastructure;
using Microsoft.AspNetCore.Builder;

namespace EfaPlatform.ServiceDefaults.Tests;

/// <summary>
/// What a bearer token may do beyond being valid: only access tokens count (not identity tokens of the same issuer),
/// a machine client needs the service's scope, and administration needs a second factor.
/// </summary>
public sealed class TokenHardeningTests : IAsyncLifetime
{
    private const string Tenant = "01a20000-0000-7000-8000-00000000000a";
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private TestIssuer _platform = null!;
    private TestIssuer _keycloak = null!;
    private ServiceHost _service = null!;

    public async Task InitializeAsync()
    {
        _platform = await TestIssuer.StartAsync();
        _keycloak = await TestIssuer.StartAsync(TrustedIssuers.KeycloakRealmPath);
        var configuration = TrustedIssuers.Configuration(_platform, _keycloak, ("Authentication:Scope", "efa.forms"));
        _service = await ServiceHost.StartAsync(configuration, builder => builder.AddEfaAuthentication(), mapEndpoints: app =>
        {
            app.MapGet("/anyone", (ClaimsPrincipal user) => user.SubjectId()).RequireAuthorization();
            app.MapGet("/caseworkers", () => "ok").RequireAuthorization(EfaPolicies.AnyRole(EfaClaims.Caseworker, EfaClaims.MachineClient));
            app.MapGet("/administration", () => "ok").RequireAuthorization(EfaPolicies.TenantAdministration);
        });
    }

    [Fact]
    public async Task An_identity_token_is_not_an_access_token()
    {
        var person = TestIssuer.Person("citizen-1", role: EfaClaims.Citizen);
        Claim[] keycloakPerson = [new("sub", "kc-user-1"), new("acr", "low")];

        Assert.Equal(HttpStatusCode.OK, (await CallAsync("/anyone", _platform.Issue(person))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await CallAsync("/anyone", _platform.Issue(person, type: "JWT"))).Status);
        Assert.Equal(HttpStatusCode.OK, (await CallAsync("/anyone", _keycloak.Issue(keycloakPerson, audience: "efa-platform"))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await CallAsync("/anyone", _keycloak.Issue(keycloakPerson, audience: "efa-platform", type: "ID"))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await CallAsync("/anyone", _keycloak.Issue(keycloakPerson, audience: "efa-platform", type: "Refresh"))).Status);
    }

    [Fact]
    public async Task A_machine_client_needs_the_services_scope_and_a_person_does_not()
    {
        var formsClient = _platform.Issue(TestIssuer.Machine("hd-fachverfahren", Tenant, "efa.identity efa.forms"));
        var paymentClient = _platform.Issue(TestIssuer.Machine("hd-kasse", Tenant, "efa.payment"));
        var unscopedClient = _platform.Issue([new Claim("sub", "hd-nothing"), new Claim("tenant", Tenant), new Claim("role", EfaClaims.MachineClient)]);

        Assert.Equal(HttpStatusCode.OK, (await CallAsync("/anyone", formsClient)).Status);
        Assert.Equal(HttpStatusCode.OK, (await CallAsync("/caseworkers", formsClient)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await CallAsync("/anyone", paymentClient)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await CallAsync("/caseworkers", paymentClient)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await CallAsync("/anyone", unscopedClient)).Status);
        Assert.Equal(HttpStatusCode.OK, (await CallAsync("/anyone", _platform.Issue(TestIssuer.Person("citizen-1", role: EfaClaims.Citizen)))).Status);
    }

    [Fact]
    public async Task Administration_needs_a_second_factor_and_is_never_a_machine_clients()
    {
        var passwordOnly = _platform.Issue(TestIssuer.Person("admin-1", Tenant, EfaClaims.TenantAdmin, acr: "low"));
        var withTotp = _platform.Issue(TestIssuer.Person("admin-1", Tenant, EfaClaims.TenantAdmin, acr: "substantial"));
        var withEid = _platform.Issue(TestIssuer.Person("operator-1", role: EfaClaims.PlatformAdmin, acr: "high"));
        var caseworker = _platform.Issue(TestIssuer.Person("staff-1", Tenant, EfaClaims.Caseworker, acr: "substantial"));
        var machine = _platform.Issue([.. TestIssuer.Machine("hd-fachverfahren", Tenant, "efa.forms"), new Claim("role", EfaClaims.TenantAdmin)]);

        Assert.Equal(HttpStatusCode.Forbidden, (await CallAsync("/administration", passwordOnly)).Status);
        Assert.Equal(HttpStatusCode.OK, (await CallAsync("/administration", withTotp)).Status);
        Assert.Equal(HttpStatusCode.OK, (await CallAsync("/administration", withEid)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await CallAsync("/administration", caseworker)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await CallAsync("/administration", machine)).Status);
    }

    [Fact]
    public void The_default_scope_is_named_after_the_service()
    {
        Assert.Equal("efa.forms", EfaAuthentication.DefaultScope("EfaPlatform.Forms"));
        Assert.Equal("efa.identity", EfaAuthentication.DefaultScope("identity"));
    }

    public async Task DisposeAsync()
    {
        await _service.DisposeAsync();
        await _platform.DisposeAsync();
        await _keycloak.DisposeAsync();
        _http.Dispose();
    }

    private async Task<(HttpStatusCode Status, string Body)> CallAsync(string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _service.HttpUrl + path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
