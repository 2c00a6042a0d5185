using System.Net;
using System.Text.Json;
using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.Forms.Tests;

[Collection(FormsServiceCollection.Name)]
public sealed class DraftsTests(FormsServiceFixture forms) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(forms.HttpUrl), Timeout = TimeSpan.FromSeconds(30) };

    private string Citizen(string subject) => forms.Issuer.Issue(TestIssuer.Person(subject, role: "citizen"));

    private Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, string? token, object? body = null) =>
        _http.SendAsync(method, path, token, body);

    [Fact]
    public async Task A_citizen_saves_and_resumes_a_draft_and_sees_its_problems_so_far()
    {
        var erika = Citizen($"citizen-{Guid.NewGuid():N}");
        var (saved, draft) = await SendAsync(HttpMethod.Put, "/api/forms/v1/drafts/bewohnerparkausweis", erika,
            new { answers = new { licensePlate = "HD AB 1", years = 1 }, language = "en" });

        Assert.Equal(HttpStatusCode.OK, saved);
        Assert.Equal(1, draft.GetProperty("version").GetInt32());
        var error = Assert.Single(draft.GetProperty("errors").EnumerateArray());
        Assert.Equal(("licensePlate", "Please enter the plate like HD-AB 123."), (error.GetProperty("path").GetString(), error.GetProperty("message").GetString()));

        var (read, resumed) = await SendAsync(HttpMethod.Get, "/api/forms/v1/drafts/bewohnerparkausweis", erika);
        Assert.Equal(HttpStatusCode.OK, read);
        Assert.Equal("HD AB 1", resumed.GetProperty("answers").GetProperty("licensePlate").GetString());

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Delete, "/api/forms/v1/drafts/bewohnerparkausweis", erika)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, "/api/forms/v1/drafts/bewohnerparkausweis", erika)).Status);
    }

    [Fact]
    public async Task A_draft_is_visible_only_to_its_owner()
    {
        var owner = Citizen($"citizen-{Guid.NewGuid():N}");
        var other = Citizen($"citizen-{Guid.NewGuid():N}");
        await SendAsync(HttpMethod.Put, "/api/forms/v1/drafts/bewohnerparkausweis", owner, new { answers = new { years = 2 } });

        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, "/api/forms/v1/drafts/bewohnerparkausweis", other)).Status);
        await SendAsync(HttpMethod.Delete, "/api/forms/v1/drafts/bewohnerparkausweis", other);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/api/forms/v1/drafts/bewohnerparkausweis", owner)).Status);

        var caseworker = forms.Issuer.Issue(TestIssuer.Person("staff-1", "01a20000-0000-7000-8000-00000000000a", "caseworker"));
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Get, "/api/forms/v1/drafts/bewohnerparkausweis", caseworker)).Status);
    }

    [Fact]
    public async Task A_draft_expires()
    {
        var erika = Citizen($"citizen-{Guid.NewGuid():N}");
        await SendAsync(HttpMethod.Put, "/api/forms/v1/drafts/bewohnerparkausweis", erika, new { answers = new { years = 1 } });
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/api/forms/v1/drafts/bewohnerparkausweis", erika)).Status);

        await Eventually.WaitAsync(async () => (await SendAsync(HttpMethod.Get, "/api/forms/v1/drafts/bewohnerparkausweis", erika)).Status == HttpStatusCode.NotFound,
            FormsServiceFixture.DraftLifetime * 4, "the draft to expire");
    }

    [Fact]
    public async Task Drafts_need_a_valid_token_and_a_published_service()
    {
        using var anonymous = await _http.GetAsync("/api/forms/v1/drafts/bewohnerparkausweis");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Put, "/api/forms/v1/drafts/gibt-es-nicht", Citizen("c-1"), new { answers = new { } })).Status);
    }

    public void Dispose() => _http.Dispose();
}
