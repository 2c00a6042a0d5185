using System.Net;
using System.Text.Json;
using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.Identity.Tests;

[Collection(PlatformCollection.Name)]
public sealed class TenantAdministrationTests(PlatformFixture fixture) : IDisposable
{
    private readonly OidcClient _operator = fixture.Client();
    private readonly OidcClient _admin = fixture.Client();

    private static string UniqueArs() => "09" + Random.Shared.NextInt64(1_000_000_000, 9_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private Task<string> OperatorTokenAsync() => fixture.AdministratorTokenAsync("operator@efa.example");

    private async Task<JsonElement> CreateTenantAsync(string operatorToken)
    {
        var slug = $"t-{Guid.NewGuid():N}"[..20];
        var (status, tenant) = await _operator.CallAsync(HttpMethod.Post, "/api/identity/v1/tenants", operatorToken,
            new { slug, displayName = "Gemeinde Test", ars = UniqueArs(), contactEmail = "rathaus@test.example" });
        Assert.Equal(HttpStatusCode.OK, status);
        return tenant;
    }

    [Fact]
    public async Task A_tenant_admin_cannot_touch_another_tenant()
    {
        var other = await CreateTenantAsync(await OperatorTokenAsync());
        var otherId = other.GetProperty("tenantId").GetString();
        var adminToken = await fixture.AdministratorTokenAsync("admin@heidelberg.example");
        var ownTenant = Jwt.Payload(adminToken).GetProperty("tenant").GetString();

        Assert.Equal(HttpStatusCode.Forbidden, (await _admin.CallAsync(HttpMethod.Get, $"/api/identity/v1/tenants/{otherId}", adminToken)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await _admin.CallAsync(HttpMethod.Get, $"/api/identity/v1/tenants/{otherId}/staff", adminToken)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await _admin.CallAsync(HttpMethod.Post, $"/api/identity/v1/tenants/{otherId}/staff", adminToken,
            new { email = $"x{Guid.NewGuid():N}@test.example", displayName = "X", role = "caseworker", password = "lang-genug-123!" })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await _admin.CallAsync(HttpMethod.Post, $"/api/identity/v1/tenants/{otherId}/clients", adminToken,
            new { displayName = "X", scopes = new[] { "efa.forms" } })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await _admin.CallAsync(HttpMethod.Post, "/api/identity/v1/tenants", adminToken,
            new { slug = "nope", displayName = "Nope", ars = UniqueArs(), contactEmail = "a@b.example" })).Status);

        var (ownStatus, ownStaff) = await _admin.CallAsync(HttpMethod.Get, $"/api/identity/v1/tenants/{ownTenant}/staff", adminToken);
        Assert.Equal(HttpStatusCode.OK, ownStatus);
        Assert.Contains(ownStaff.GetProperty("staffMembers").EnumerateArray(), s => s.GetProperty("email").GetString() == "sachbearbeitung@heidelberg.example");

        var (_, firstPage) = await _admin.CallAsync(HttpMethod.Get, $"/api/identity/v1/tenants/{ownTenant}/staff?pageSize=1", adminToken);
        var (_, secondPage) = await _admin.CallAsync(HttpMethod.Get,
            $"/api/identity/v1/tenants/{ownTenant}/staff?pageSize=1&pageToken={firstPage.GetProperty("nextPageToken").GetString()}", adminToken);
        Assert.Equal(["admin@heidelberg.example"], firstPage.GetProperty("staffMembers").EnumerateArray().Select(s => s.GetProperty("email").GetString()));
        Assert.Equal("sachbearbeitung@heidelberg.example", secondPage.GetProperty("staffMembers")[0].GetProperty("email").GetString());
    }

    [Fact]
    public async Task Two_tenants_racing_for_one_slug_give_one_tenant_and_a_conflict_naming_the_slug()
    {
        var token = await OperatorTokenAsync();
        var slug = $"r-{Guid.NewGuid():N}"[..20];

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _operator.CallAsync(HttpMethod.Post, "/api/identity/v1/tenants", token,
            new { slug, displayName = "Gemeinde Wettlauf", ars = UniqueArs(), contactEmail = "rathaus@test.example" })));

        Assert.Single(answers, a => a.Status == HttpStatusCode.OK);
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.OK), a =>
        {
            Assert.Equal(HttpStatusCode.Conflict, a.Status);
            Assert.True(a.Body.GetProperty("errors").TryGetProperty("slug", out _), a.Body.ToString());
        });
    }

    [Fact]
    public async Task A_deactivated_tenants_client_gets_no_token()
    {
        var operatorToken = await OperatorTokenAsync();
        var tenantId = (await CreateTenantAsync(operatorToken)).GetProperty("tenantId").GetString();
        var (registered, client) = await _operator.CallAsync(HttpMethod.Post, $"/api/identity/v1/tenants/{tenantId}/clients", operatorToken,
            new { displayName = "Fachverfahren", scopes = new[] { "efa.forms" } });
        Assert.Equal(HttpStatusCode.OK, registered);
        var clientId = client.GetProperty("client").GetProperty("clientId").GetString()!;
        var secret = client.GetProperty("clientSecret").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await _operator.ClientCredentialsAsync(clientId, secret, "efa.forms")).Status);
        var (scopeStatus, scopeError) = await _operator.ClientCredentialsAsync(clientId, secret, "efa.payment");
        Assert.Equal(HttpStatusCode.BadRequest, scopeStatus);
        Assert.Contains("scope", scopeError.GetProperty("error_description").GetString(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await _operator.CallAsync(HttpMethod.Post, $"/api/identity/v1/tenants/{tenantId}/deactivate", operatorToken, new { })).Status);

        var (status, error) = await _operator.ClientCredentialsAsync(clientId, secret, "efa.forms");
        Assert.NotEqual(HttpStatusCode.OK, status);
        Assert.Equal("invalid_client", error.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_rotated_secret_replaces_the_old_one_and_a_revoked_client_gets_no_token()
    {
        var operatorToken = await OperatorTokenAsync();
        var tenantId = (await CreateTenantAsync(operatorToken)).GetProperty("tenantId").GetString();
        var (_, client) = await _operator.CallAsync(HttpMethod.Post, $"/api/identity/v1/tenants/{tenantId}/clients", operatorToken,
            new { displayName = "Fachverfahren", scopes = new[] { "efa.forms" } });
        var clientId = client.GetProperty("client").GetProperty("clientId").GetString()!;
        var oldSecret = client.GetProperty("clientSecret").GetString()!;

        var (_, rotated) = await _operator.CallAsync(HttpMethod.Post, $"/api/identity/v1/tenants/{tenantId}/clients/{clientId}/rotate-secret", operatorToken, new { });
        var newSecret = rotated.GetProperty("clientSecret").GetString()!;
        Assert.Equal(HttpStatusCode.Unauthorized, (await _operator.ClientCredentialsAsync(clientId, oldSecret, "efa.forms")).Status);
        Assert.Equal(HttpStatusCode.OK, (await _operator.ClientCredentialsAsync(clientId, newSecret, "efa.forms")).Status);

        await _operator.CallAsync(HttpMethod.Post, $"/api/identity/v1/tenants/{tenantId}/clients/{clientId}/revoke", operatorToken, new { });
        Assert.NotEqual(HttpStatusCode.OK, (await _operator.ClientCredentialsAsync(clientId, newSecret, "efa.forms")).Status);
    }

    [Fact]
    public async Task A_tenants_clients_come_in_pages_without_another_tenants_clients()
    {
        var operatorToken = await OperatorTokenAsync();
        var tenantId = (await CreateTenantAsync(operatorToken)).GetProperty("tenantId").GetString();
        var otherId = (await CreateTenantAsync(operatorToken)).GetProperty("tenantId").GetString();
        async Task<string> RegisterAsync(string tenant, string name) =>
            (await _operator.CallAsync(HttpMethod.Post, $"/api/identity/v1/tenants/{tenant}/clients", operatorToken,
                new { displayName = name, scopes = new[] { "efa.forms" } })).Body.GetProperty("client").GetProperty("clientId").GetString()!;
        var own = new List<string>();
        foreach (var name in new[] { "Fachverfahren A", "Fachverfahren B", "Fachverfahren C" })
        {
            own.Add(await RegisterAsync(tenantId!, name));
        }

        var foreign = await RegisterAsync(otherId!, "Fremdes Verfahren");

        var (firstStatus, first) = await _operator.CallAsync(HttpMethod.Get, $"/api/identity/v1/tenants/{tenantId}/clients?pageSize=2", operatorToken);
        Assert.Equal(HttpStatusCode.OK, firstStatus);
        var token = first.GetProperty("nextPageToken").GetString()!;
        var (_, second) = await _operator.CallAsync(HttpMethod.Get, $"/api/identity/v1/tenants/{tenantId}/clients?pageSize=2&pageToken={token}", operatorToken);
        var listed = first.GetProperty("clients").EnumerateArray().Concat(second.GetProperty("clients").EnumerateArray())
            .Select(c => c.GetProperty("clientId").GetString()!).ToList();
        Assert.Equal(own.Order(StringComparer.Ordinal), listed);
        Assert.Equal(2, first.GetProperty("clients").GetArrayLength());
        Assert.False(second.TryGetProperty("nextPageToken", out var last) && last.GetString() is { Length: > 0 });
        Assert.DoesNotContain(foreign, listed);

        var (otherStatus, otherError) = await _operator.CallAsync(HttpMethod.Get, $"/api/identity/v1/tenants/{otherId}/clients?pageToken={token}", operatorToken);
        Assert.Equal(HttpStatusCode.BadRequest, otherStatus);
        Assert.True(otherError.GetProperty("errors").TryGetProperty("pageToken", out _), otherError.ToString());
        // Tokens are not secret: one made by hand for the right filter, with a NUL in its position, is refused like bad input.
        var filterHash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"clients|{tenantId}")))[..16];
        var forged = Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(System.Text.Encoding.UTF8.GetBytes($"{filterHash}|a\u0000b"));
        var (forgedStatus, forgedError) = await _operator.CallAsync(HttpMethod.Get, $"/api/identity/v1/tenants/{tenantId}/clients?pageToken={forged}", operatorToken);
        Assert.Equal(HttpStatusCode.BadRequest, forgedStatus);
        Assert.True(forgedError.GetProperty("errors").TryGetProperty("pageToken", out _), forgedError.ToString());
        var (sizeStatus, sizeError) = await _operator.CallAsync(HttpMethod.Get, $"/api/identity/v1/tenants/{tenantId}/clients?pageSize=101", operatorToken);
        Assert.Equal(HttpStatusCode.BadRequest, sizeStatus);
        Assert.True(sizeError.GetProperty("errors").TryGetProperty("pageSize", out _), sizeError.ToString());
    }

    [Fact]
    public async Task A_tenant_with_a_bad_ARS_and_slug_is_refused_with_every_field_named_and_nothing_is_stored()
    {
        var operatorToken = await OperatorTokenAsync();
        var (status, error) = await _operator.CallAsync(HttpMethod.Post, "/api/identity/v1/tenants", operatorToken,
            new { slug = "Bad Slug!", displayName = "", ars = "171234567890", contactEmail = "not-an-address" });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", _operator.LastContentType);
        Assert.Equal(400, error.GetProperty("status").GetInt32());
        var errors = error.GetProperty("errors");
        Assert.Equal(["ars", "contactEmail", "displayName", "slug"], errors.EnumerateObject().Select(e => e.Name).Order());
        Assert.Contains("01 to 16", errors.GetProperty("ars")[0].GetString(), StringComparison.Ordinal);
        var (_, list) = await _operator.CallAsync(HttpMethod.Get, "/api/identity/v1/tenants?pageSize=100", operatorToken);
        Assert.DoesNotContain(list.GetProperty("tenants").EnumerateArray(), t => t.GetProperty("ars").GetString() == "171234567890");
    }

    [Fact]
    public async Task A_repeated_idempotency_key_returns_the_first_tenant_and_creates_nothing_more()
    {
        var operatorToken = await OperatorTokenAsync();
        var key = Guid.NewGuid().ToString();
        var body = new { slug = $"i-{Guid.NewGuid():N}"[..20], displayName = "Gemeinde Einmal", ars = UniqueArs(), contactEmail = "rathaus@einmal.example" };
        using var http = new HttpClient { BaseAddress = new Uri(fixture.GatewayUrl) };

        async Task<(HttpStatusCode Status, JsonElement Body)> CreateAsync(object content)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/identity/v1/tenants") { Content = System.Net.Http.Json.JsonContent.Create(content) };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", operatorToken);
            request.Headers.Add("Idempotency-Key", key);
            using var response = await http.SendAsync(request);
            return (response.StatusCode, JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync()));
        }

        var first = await CreateAsync(body);
        var repeat = await CreateAsync(body);
        var different = await CreateAsync(body with { });

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.OK, repeat.Status);
        Assert.Equal(first.Body.GetProperty("tenantId").GetString(), repeat.Body.GetProperty("tenantId").GetString());
        Assert.Equal(HttpStatusCode.OK, different.Status);

        var changed = await CreateAsync(new { body.slug, displayName = "Gemeinde Anders", body.ars, body.contactEmail });
        Assert.Equal(HttpStatusCode.BadRequest, changed.Status);
        Assert.True(changed.Body.GetProperty("errors").TryGetProperty("idempotencyKey", out _));

        var (_, list) = await _operator.CallAsync(HttpMethod.Get, "/api/identity/v1/tenants?pageSize=100", operatorToken);
        Assert.Single(list.GetProperty("tenants").EnumerateArray(), t => t.GetProperty("slug").GetString() == body.slug);
    }

    public void Dispose()
    {
        _operator.Dispose();
        _admin.Dispose();
    }
}
