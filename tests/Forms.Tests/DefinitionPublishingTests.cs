using System.Net;
using System.Text.Json;
using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.Forms.Tests;

/// <summary>Definitions managed through the API, and submissions that keep the version they were made with.</summary>
[Collection(FormsServiceCollection.Name)]
public sealed class DefinitionPublishingTests(FormsServiceFixture forms) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(forms.HttpUrl), Timeout = TimeSpan.FromSeconds(30) };

    private string Operator => forms.Issuer.Issue(TestIssuer.Person("operator-1", role: "platform-admin"));

    private static string Manifest(string id, int version, string title) => $$"""
        {
          // A service published through the API.
          "id": "{{id}}", "version": {{version}}, "leikaKey": "99000000000002",
          "title": { "de": "{{title}}", "en": "{{title}} (en)" }, "description": "Ein Dienst für Tests.", "trustLevel": "low",
          "fee": { "kind": "fixed", "amountCents": 0 },
          "form": { "elements": [ { "id": "name", "type": "text", "label": "Name", "required": true, "maxLength": {{10 * version}} } ] }
        }
        """;

    private Task<(HttpStatusCode Status, JsonElement Body)> PublishAsync(string manifest, string token) =>
        _http.SendAsync(HttpMethod.Post, "/api/forms/v1/services", token, new { manifest });

    [Fact]
    public async Task An_operator_publishes_a_service_and_a_changed_published_version_is_refused()
    {
        var id = $"test-{Guid.NewGuid():N}"[..20];

        var (status, published) = await PublishAsync(Manifest(id, 1, "Testdienst"), Operator);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal((id, 1), (published.GetProperty("serviceId").GetString(), published.GetProperty("version").GetInt32()));
        Assert.Equal(HttpStatusCode.OK, (await PublishAsync(Manifest(id, 1, "Testdienst"), Operator)).Status);

        var (changed, problem) = await PublishAsync(Manifest(id, 1, "Anderer Titel"), Operator);
        Assert.Equal(HttpStatusCode.BadRequest, changed);
        Assert.Contains("Publish the change as version 2", problem.GetProperty("detail").GetString());
        var (_, read) = await _http.SendAsync(HttpMethod.Get, $"/api/forms/v1/services/{id}", token: null);
        Assert.Equal("Testdienst", read.GetProperty("title").GetString());

        var citizen = forms.Issuer.Issue(TestIssuer.Person("citizen-1", role: "citizen"));
        var tenantAdmin = forms.Issuer.Issue(TestIssuer.Person("admin-1", Guid.CreateVersion7().ToString(), "tenant-admin"));
        Assert.Equal(HttpStatusCode.Forbidden, (await PublishAsync(Manifest(id, 2, "Testdienst"), citizen)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await PublishAsync(Manifest(id, 2, "Testdienst"), tenantAdmin)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _http.SendAsync(HttpMethod.Post, "/api/forms/v1/services", null, new { manifest = Manifest(id, 2, "x") })).Status);
    }

    [Fact]
    public async Task A_broken_manifest_sent_to_the_API_comes_back_with_every_problem_at_its_location()
    {
        const string broken = """
            { "id": "Kaputt", "version": 0, "leikaKey": "1", "title": "T", "description": "D", "trustLevel": "medium",
              "fee": { "kind": "fixed", "amountCents": 0 }, "form": { "elements": [ { "id": "a", "type": "txt", "label": "A" } ] } }
            """;

        var (status, problem) = await PublishAsync(broken, Operator);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(
            ["manifest $.form.elements[0].type", "manifest $.id", "manifest $.leikaKey", "manifest $.trustLevel", "manifest $.version"],
            problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, (await PublishAsync("{ \"id\": ", Operator)).Status);
    }

    [Fact]
    public async Task A_submission_keeps_the_version_it_was_made_with_when_a_new_one_is_published()
    {
        var id = $"test-{Guid.NewGuid():N}"[..20];
        await PublishAsync(Manifest(id, 1, "Version eins"), Operator);
        var tenant = Guid.CreateVersion7().ToString();
        await _http.SendAsync(HttpMethod.Put, $"/api/forms/v1/tenants/{tenant}/services/{id}",
            forms.Issuer.Issue(TestIssuer.Person($"admin-{tenant}", tenant, "tenant-admin")), new { contactEmail = "amt@example.de" });
        var citizen = forms.Issuer.Issue(TestIssuer.Person($"citizen-{Guid.NewGuid():N}", role: "citizen"));
        var (_, before) = await _http.SendAsync(HttpMethod.Post, "/api/forms/v1/submissions", citizen,
            new { tenantId = tenant, serviceId = id, answers = new { name = "Erika" } }, Guid.NewGuid().ToString());

        await PublishAsync(Manifest(id, 2, "Version zwei"), Operator);
        var (_, after) = await _http.SendAsync(HttpMethod.Post, "/api/forms/v1/submissions", citizen,
            new { tenantId = tenant, serviceId = id, answers = new { name = "Erika Mustermann" } }, Guid.NewGuid().ToString());
        var (_, reread) = await _http.SendAsync(HttpMethod.Get, $"/api/forms/v1/submissions/{before.GetProperty("submissionId").GetString()}", citizen);

        Assert.Equal((1, "Version eins"), (reread.GetProperty("serviceVersion").GetInt32(), reread.GetProperty("title").GetString()));
        Assert.Equal((2, "Version zwei"), (after.GetProperty("serviceVersion").GetInt32(), after.GetProperty("title").GetString()));
        Assert.Equal("submitted", reread.GetProperty("status").GetString()); // free: no payment step
    }

    [Fact]
    public async Task A_submission_follows_the_version_offered_now_not_the_one_the_client_names()
    {
        var id = $"test-{Guid.NewGuid():N}"[..20];
        await PublishAsync(Manifest(id, 1, "Version eins"), Operator);
        var tenant = Guid.CreateVersion7().ToString();
        await _http.SendAsync(HttpMethod.Put, $"/api/forms/v1/tenants/{tenant}/services/{id}",
            forms.Issuer.Issue(TestIssuer.Person($"admin-{tenant}", tenant, "tenant-admin", acr: "substantial")), new { contactEmail = "amt@example.de" });
        var stricter = Manifest(id, 2, "Version zwei").Replace("\"trustLevel\": \"low\"", "\"trustLevel\": \"substantial\"", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await PublishAsync(stricter, Operator)).Status);
        var citizen = forms.Issuer.Issue(TestIssuer.Person($"citizen-{Guid.NewGuid():N}", role: "citizen", acr: "low"));

        var (old, problem) = await _http.SendAsync(HttpMethod.Post, "/api/forms/v1/submissions", citizen,
            new { tenantId = tenant, serviceId = id, version = 1, answers = new { name = "Erika" } }, Guid.NewGuid().ToString());
        var (current, _) = await _http.SendAsync(HttpMethod.Post, "/api/forms/v1/submissions", citizen,
            new { tenantId = tenant, serviceId = id, answers = new { name = "Erika" } }, Guid.NewGuid().ToString());

        Assert.Equal(HttpStatusCode.BadRequest, old);
        Assert.Contains("version 2", problem.GetProperty("errors").GetProperty("version")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, current);
    }

    [Fact]
    public async Task A_service_taking_at_most_two_files_of_a_kind_refuses_a_third_before_any_is_held()
    {
        var id = $"test-{Guid.NewGuid():N}"[..20];
        var manifest = $$"""
            {
              "id": "{{id}}", "version": 1, "leikaKey": "99000000000003", "title": { "de": "Kinder anmelden" }, "description": "Ein Dienst für Tests.",
              "trustLevel": "low", "fee": { "kind": "fixed", "amountCents": 0 },
              "attachments": [ { "kind": "birth-certificate", "label": "Geburtsurkunde", "mediaTypes": ["application/pdf"], "maxBytes": 1048576, "maxFiles": 2, "required": true } ],
              "form": { "elements": [ { "id": "children", "type": "group", "repeatable": true, "maxItems": 5, "label": "Kinder", "elements": [
                { "id": "name", "type": "text", "label": "Name", "required": true },
                { "id": "birthCertificate", "type": "attachment", "label": "Geburtsurkunde", "required": true } ] } ] }
            }
            """;
        Assert.Equal(HttpStatusCode.OK, (await PublishAsync(manifest, Operator)).Status);
        var tenant = Guid.CreateVersion7().ToString();
        await _http.SendAsync(HttpMethod.Put, $"/api/forms/v1/tenants/{tenant}/services/{id}",
            forms.Issuer.Issue(TestIssuer.Person($"admin-{tenant}", tenant, "tenant-admin", acr: "substantial")), new { contactEmail = "amt@example.de" });
        var citizen = forms.Issuer.Issue(TestIssuer.Person($"citizen-{Guid.NewGuid():N}", role: "citizen", acr: "low"));
        var children = Enumerable.Range(1, 3).Select(n => new { name = $"Kind {n}", birthCertificate = Guid.CreateVersion7().ToString() }).ToArray();

        var (status, problem) = await _http.SendAsync(HttpMethod.Post, "/api/forms/v1/submissions", citizen,
            new { tenantId = tenant, serviceId = id, answers = new { children } }, Guid.NewGuid().ToString());

        // Refused by the forms service itself: the documents service (not running here) is never asked to hold any of them.
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = Assert.Single(problem.GetProperty("errors").EnumerateObject());
        Assert.Equal("answers.children[2].birthCertificate", error.Name);
        Assert.Contains("at most 2", error.Value[0].GetString(), StringComparison.Ordinal);
    }

    public void Dispose() => _http.Dispose();
}
