using System.Net;
using System.Text.Json;
using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.Forms.Tests;

[Collection(FormsServiceCollection.Name)]
public sealed class ActivationsTests(FormsServiceFixture forms) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(forms.HttpUrl), Timeout = TimeSpan.FromSeconds(30) };

    private string TenantAdmin(string tenant) => forms.Issuer.Issue(TestIssuer.Person($"admin-{tenant}", tenant, "tenant-admin"));

    private Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, string? token, object? body = null) =>
        _http.SendAsync(method, path, token, body);

    [Fact]
    public async Task A_municipality_activates_a_service_with_its_own_fee_and_its_citizens_see_it()
    {
        var tenant = Guid.CreateVersion7().ToString();
        var neighbour = Guid.CreateVersion7().ToString();
        var (status, _) = await SendAsync(HttpMethod.Put, $"/api/forms/v1/tenants/{tenant}/services/bewohnerparkausweis", TenantAdmin(tenant),
            new { feeAmountCents = 12000, languages = new[] { "de", "en" }, contactEmail = "parken@heidelberg.example", note = "Abholung im Bürgeramt." });
        Assert.Equal(HttpStatusCode.OK, status);

        var (_, offered) = await SendAsync(HttpMethod.Get, $"/api/forms/v1/tenants/{tenant}/services?language=en", token: null);
        var service = Assert.Single(offered.GetProperty("services").EnumerateArray());
        Assert.Equal("Apply for a residential parking permit", service.GetProperty("title").GetString());
        Assert.Equal(12000, service.GetProperty("feeAmountCents").GetInt64());
        Assert.Equal(["de", "en"], service.GetProperty("languages").EnumerateArray().Select(l => l.GetString()));

        var (_, elsewhere) = await SendAsync(HttpMethod.Get, $"/api/forms/v1/tenants/{neighbour}/services", token: null);
        Assert.Empty(elsewhere.GetProperty("services").EnumerateArray());
    }

    [Fact]
    public async Task Without_a_fee_of_its_own_the_service_fee_applies_and_an_ended_activation_is_not_offered()
    {
        var tenant = Guid.CreateVersion7().ToString();
        await SendAsync(HttpMethod.Put, $"/api/forms/v1/tenants/{tenant}/services/bewohnerparkausweis", TenantAdmin(tenant),
            new { contactEmail = "parken@stadt.example" });
        var (_, offered) = await SendAsync(HttpMethod.Get, $"/api/forms/v1/tenants/{tenant}/services", token: null);
        Assert.Equal(3060, Assert.Single(offered.GetProperty("services").EnumerateArray()).GetProperty("feeAmountCents").GetInt64());

        await SendAsync(HttpMethod.Put, $"/api/forms/v1/tenants/{tenant}/services/bewohnerparkausweis", TenantAdmin(tenant),
            new { contactEmail = "parken@stadt.example", activeFrom = "2024-01-01", activeUntil = "2024-12-31" });
        var (_, ended) = await SendAsync(HttpMethod.Get, $"/api/forms/v1/tenants/{tenant}/services", token: null);
        Assert.Empty(ended.GetProperty("services").EnumerateArray());
    }

    [Fact]
    public async Task Another_tenants_admin_or_a_citizen_cannot_activate_and_bad_parameters_name_their_fields()
    {
        var tenant = Guid.CreateVersion7().ToString();
        var path = $"/api/forms/v1/tenants/{tenant}/services/bewohnerparkausweis";
        var body = new { contactEmail = "parken@stadt.example" };

        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Put, path, TenantAdmin(Guid.CreateVersion7().ToString()), body)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Put, path, forms.Issuer.Issue(TestIssuer.Person("c-1", role: "citizen")), body)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Put, path, null, body)).Status);

        var (status, problem) = await SendAsync(HttpMethod.Put, path, TenantAdmin(tenant),
            new { feeAmountCents = -1, languages = new[] { "en" }, contactEmail = "nope", activeFrom = "2026-12-01", activeUntil = "2026-11-01" });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["activeUntil", "contactEmail", "feeAmountCents", "languages"], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order());
        var (_, offered) = await SendAsync(HttpMethod.Get, $"/api/forms/v1/tenants/{tenant}/services", token: null);
        Assert.Empty(offered.GetProperty("services").EnumerateArray());
    }

    public void Dispose() => _http.Dispose();
}
