using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using EfaPlatform.TestInfrastructure;

using EfaPlatform.Forms.Schemas;

namespace EfaPlatform.Forms.Tests;

/// <summary>What an attacker or a careless client sends: control characters, foreign charsets, odd headers, wrong paths.</summary>
[Collection(FormsServiceCollection.Name)]
public sealed class HostileInputTests(FormsServiceFixture forms) : IDisposable
{
    // Sends header values as UTF-8, as a careless client might, instead of refusing them the way HttpClient does.
    private readonly HttpClient _http = new(new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8 })
    {
        BaseAddress = new Uri(forms.HttpUrl), Timeout = TimeSpan.FromSeconds(30),
    };

    private static string NewId() => Guid.CreateVersion7().ToString();

    private async Task<(HttpStatusCode Status, string? ContentType, JsonElement Body)> RawAsync(
        HttpMethod method, string path, string? token, string? body = null, string contentType = "application/json", string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, text.Length == 0 ? default : JsonSerializer.Deserialize<JsonElement>(text));
    }

    /// <summary>A new citizen's submission with no answers, sent with the given content type and idempotency key.</summary>
    private Task<(HttpStatusCode Status, string? ContentType, JsonElement Body)> SubmitEmptyAsync(string contentType, string idempotencyKey) =>
        RawAsync(HttpMethod.Post, "/api/forms/v1/submissions", forms.Issuer.Issue(TestIssuer.Person($"citizen-{NewId()}", role: "citizen", acr: "high")),
            $"{{\"tenantId\":\"{NewId()}\",\"serviceId\":\"fuehrungszeugnis\",\"answers\":{{}}}}", contentType, idempotencyKey);

    [Fact]
    public async Task A_NUL_or_other_control_character_in_any_text_is_refused_with_the_field_named_and_nothing_is_stored()
    {
        var tenant = NewId();
        var admin = forms.Issuer.Issue(TestIssuer.Person($"admin-{tenant}", tenant, "tenant-admin"));
        var staff = forms.Issuer.Issue(TestIssuer.Person($"caseworker-{tenant}", tenant, "caseworker"));
        var citizen = forms.Issuer.Issue(TestIssuer.Person($"citizen-{NewId()}", role: "citizen", acr: "high"));

        var (note, noteProblem) = await _http.SendAsync(HttpMethod.Put, $"/api/forms/v1/tenants/{tenant}/services/fuehrungszeugnis", admin,
            new { contactEmail = "amt@example.de", note = "Bitte\u0000mitbringen" });
        var (answer, answerProblem) = await _http.SendAsync(HttpMethod.Post, "/api/forms/v1/submissions", citizen,
            new { tenantId = tenant, serviceId = "fuehrungszeugnis", answers = new { purpose = "private\u0007", person = new { names = new[] { "Erika\u001b" } } } }, NewId());
        var (filter, filterProblem) = await _http.SendAsync(HttpMethod.Get, $"/api/forms/v1/tenants/{tenant}/submissions?serviceId=a%00b&pageToken=%00", staff);

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (note, answer, filter));
        Assert.Contains("U+0000", noteProblem.GetProperty("errors").GetProperty("note")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(["answers.person.names[0]", "answers.purpose"], answerProblem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(["pageToken", "serviceId"], filterProblem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var (_, offered) = await _http.SendAsync(HttpMethod.Get, $"/api/forms/v1/tenants/{tenant}/services", null);
        Assert.Empty(offered.GetProperty("services").EnumerateArray());
    }

    [Theory]
    [InlineData("application/json; charset=klingon")]
    [InlineData("application/json; charset=utf-16")]
    [InlineData("text/plain")]
    public async Task A_body_that_is_not_UTF8_JSON_is_refused_with_415_and_a_problem(string contentType)
    {
        var (status, type, problem) = await SubmitEmptyAsync(contentType, NewId());

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Equal("application/problem+json", type);
        Assert.Equal(415, problem.GetProperty("status").GetInt32());
    }

    [Theory]
    [InlineData("schlüssel-1")]
    [InlineData("two words")]
    [InlineData("")]
    public async Task An_idempotency_key_that_is_not_printable_ASCII_is_refused_with_400(string key)
    {
        var (status, type, problem) = await SubmitEmptyAsync("application/json", key);

        Assert.Equal((HttpStatusCode.BadRequest, "application/problem+json"), (status, type));
        Assert.True(problem.GetProperty("errors").TryGetProperty("idempotencyKey", out _), problem.ToString());
    }

    [Fact]
    public async Task Refusals_from_authorization_and_routing_are_problem_documents_too()
    {
        var citizen = forms.Issuer.Issue(TestIssuer.Person($"citizen-{NewId()}", role: "citizen", acr: "high"));
        var answers = new[]
        {
            await RawAsync(HttpMethod.Get, "/api/forms/v1/me/submissions", null),
            await RawAsync(HttpMethod.Get, $"/api/forms/v1/tenants/{NewId()}/submissions", citizen),
            await RawAsync(HttpMethod.Get, "/api/forms/v1/nothing-here", citizen),
            await RawAsync(HttpMethod.Delete, "/api/forms/v1/submissions", citizen),
        };

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden, HttpStatusCode.NotFound, HttpStatusCode.MethodNotAllowed], answers.Select(a => a.Status));
        Assert.All(answers, a =>
        {
            Assert.Equal("application/problem+json", a.ContentType);
            Assert.Equal((int)a.Status, a.Body.GetProperty("status").GetInt32());
        });
    }

    [Fact]
    public async Task A_replayed_idempotency_key_is_the_same_request_in_any_key_order_and_refused_with_another_body()
    {
        var tenant = NewId();
        await _http.SendAsync(HttpMethod.Put, $"/api/forms/v1/tenants/{tenant}/services/fuehrungszeugnis",
            forms.Issuer.Issue(TestIssuer.Person($"admin-{tenant}", tenant, "tenant-admin")), new { contactEmail = "amt@example.de", referencePrefix = "ID" });
        var citizen = forms.Issuer.Issue(TestIssuer.Person($"citizen-{NewId()}", role: "citizen", acr: "high"));
        var answers = JsonSerializer.Serialize(SampleAnswers.PrivateCertificate());
        var key = NewId();

        var first = await RawAsync(HttpMethod.Post, "/api/forms/v1/submissions", citizen,
            $$"""{"tenantId":"{{tenant}}","serviceId":"fuehrungszeugnis","answers":{{answers}}}""", idempotencyKey: key);
        var reordered = await RawAsync(HttpMethod.Post, "/api/forms/v1/submissions", citizen,
            $$"""{"answers":{{answers}},"serviceId":"fuehrungszeugnis","tenantId":"{{tenant}}"}""", idempotencyKey: key);
        var other = await RawAsync(HttpMethod.Post, "/api/forms/v1/submissions", citizen,
            $$"""{"tenantId":"{{tenant}}","serviceId":"fuehrungszeugnis","answers":{{answers}},"language":"en"}""", idempotencyKey: key);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.OK, reordered.Status);
        Assert.Equal(first.Body.GetProperty("submissionId").GetString(), reordered.Body.GetProperty("submissionId").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, other.Status);
        Assert.True(other.Body.GetProperty("errors").TryGetProperty("idempotencyKey", out _), other.Body.ToString());
    }

    [Fact]
    public async Task Twenty_thousand_unknown_answers_get_a_short_bounded_answer_not_a_gateway_error()
    {
        var answers = string.Join(",", Enumerable.Range(0, 20_000).Select(i => $"\"unknown{i}\":1"));

        var (status, _, body) = await RawAsync(HttpMethod.Post, "/api/forms/v1/services/fuehrungszeugnis/validate", null, $"{{\"answers\":{{{answers}}}}}");

        Assert.Equal(HttpStatusCode.OK, status);
        var errors = body.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal(FormValidator.MaxErrors + 1, errors.Count);
        Assert.Equal("tooManyErrors", errors[^1].GetProperty("code").GetString());
        Assert.Matches(@"\b199[0-9]{2}\b", errors[^1].GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_manifest_allowing_ten_thousand_repetitions_is_refused()
    {
        var manifest = """
            { "id": "too-many-rows", "version": 1, "leikaKey": "99000000000003", "title": { "de": "Test" }, "description": "Test",
              "trustLevel": "low", "fee": { "kind": "fixed", "amountCents": 0 },
              "form": { "elements": [ { "id": "rows", "type": "group", "label": "Zeilen", "repeatable": true, "maxItems": 10000,
                "elements": [ { "id": "name", "type": "text", "label": "Name" } ] } ] } }
            """;
        var (status, problem) = await _http.SendAsync(HttpMethod.Post, "/api/forms/v1/services",
            forms.Issuer.Issue(TestIssuer.Person("operator-1", role: "platform-admin")), new { manifest });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("at most 200", problem.GetProperty("errors").GetProperty("manifest $.form.elements[0].maxItems")[0].GetString(), StringComparison.Ordinal);
    }

    public void Dispose() => _http.Dispose();
}
