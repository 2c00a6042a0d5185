using System.Net;
using System.Text.Json;
using EfaPlatform.Contracts.Events.V1;
using EfaPlatform.TestInfrastructure;
using Npgsql;

namespace EfaPlatform.Forms.Tests;

/// <summary>Submissions against the forms process with its real PostgreSQL, Redis and Kafka development cluster.</summary>
[Collection(FormsServiceCollection.Name)]
public sealed partial class SubmissionsTests(FormsServiceFixture forms) : IDisposable
{
    private const string Certificate = "fuehrungszeugnis";
    private readonly HttpClient _http = new() { BaseAddress = new Uri(forms.HttpUrl), Timeout = TimeSpan.FromSeconds(30) };

    private string Citizen(string subject, string acr = "high") => forms.Issuer.Issue(TestIssuer.Person(subject, role: "citizen", acr: acr));

    private string Staff(string tenant, string role = "caseworker") => forms.Issuer.Issue(TestIssuer.Person($"{role}-{tenant}", tenant, role));

    private static string NewId() => Guid.CreateVersion7().ToString();

    /// <summary>A prefix no other test uses: references are counted per prefix, platform-wide.</summary>
    private static string UniquePrefix() => new(Enumerable.Range(0, 5).Select(_ => (char)('A' + Random.Shared.Next(26))).ToArray());

    /// <summary>A municipality that offers the certificate of good conduct, with its own reference prefix.</summary>
    private async Task<string> MunicipalityAsync(string prefix = "HD", string service = Certificate)
    {
        var tenant = NewId();
        var (status, body) = await _http.SendAsync(HttpMethod.Put, $"/api/forms/v1/tenants/{tenant}/services/{service}", Staff(tenant, "tenant-admin"),
            new { contactEmail = "buergerservice@heidelberg.example", referencePrefix = prefix });
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return tenant;
    }

    private Task<(HttpStatusCode Status, JsonElement Body)> SubmitAsync(string token, string tenant, object answers, string? key = null, string service = Certificate, string language = "de") =>
        _http.SendAsync(HttpMethod.Post, "/api/forms/v1/submissions", token, new { tenantId = tenant, serviceId = service, answers, language }, key ?? NewId());

    private async Task<long> CountAsync(string sql, object value)
    {
        await using var connection = new NpgsqlConnection(forms.DatabaseConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new NpgsqlParameter { Value = value } } };
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static string StatusOf(JsonElement submission) => submission.GetProperty("status").GetString()!;

    private static IEnumerable<string> HistoryOf(JsonElement submission) =>
        submission.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("status").GetString()!);

    [Fact]
    public async Task A_valid_submission_is_stored_with_a_readable_reference_and_announced_once()
    {
        var prefix = UniquePrefix();
        var tenant = await MunicipalityAsync(prefix);
        var erika = Citizen($"citizen-{NewId()}");

        var (status, submission) = await SubmitAsync(erika, tenant, SampleAnswers.PrivateCertificate());

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal($"{prefix}-{DateTime.UtcNow.Year}-000001", submission.GetProperty("reference").GetString());
        Assert.Equal("payment_pending", StatusOf(submission));
        Assert.Equal(["submitted", "payment_pending"], HistoryOf(submission));
        Assert.Equal(1300, submission.GetProperty("feeAmountCents").GetInt64());
        Assert.Equal("Köln", submission.GetProperty("answers").GetProperty("applicant").GetProperty("birthPlace").GetString());

        var id = submission.GetProperty("submissionId").GetString()!;
        var events = await KafkaProbe.EventsWithKeyAsync(forms.KafkaBootstrapServers, "efa.forms", id, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30));
        var announced = SubmissionSubmitted.Parser.ParseFrom(Assert.Single(events).Payload);
        Assert.Equal("de.efa.forms.submission.submitted.v1", events[0].Type);
        Assert.Equal((tenant, Certificate, 1, $"{prefix}-{DateTime.UtcNow.Year}-000001", 1300L), (announced.TenantId, announced.ServiceId, announced.ServiceVersion, announced.Reference, announced.FeeAmountCents));

        var (_, second) = await SubmitAsync(Citizen($"citizen-{NewId()}"), tenant, SampleAnswers.PrivateCertificate());
        Assert.Equal($"{prefix}-{DateTime.UtcNow.Year}-000002", second.GetProperty("reference").GetString());
    }

    [Fact]
    public async Task Submitting_removes_the_citizens_draft_of_that_service_and_only_after_success()
    {
        var tenant = await MunicipalityAsync();
        var erika = Citizen($"citizen-{NewId()}");
        await _http.SendAsync(HttpMethod.Put, $"/api/forms/v1/drafts/{Certificate}", erika, new { answers = new { purpose = "Ehrenamt" } });

        await SubmitAsync(erika, tenant, new { purpose = "x" });
        Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(HttpMethod.Get, $"/api/forms/v1/drafts/{Certificate}", erika)).Status);

        await SubmitAsync(erika, tenant, SampleAnswers.PrivateCertificate());
        Assert.Equal(HttpStatusCode.NotFound, (await _http.SendAsync(HttpMethod.Get, $"/api/forms/v1/drafts/{Certificate}", erika)).Status);
    }

    [Fact]
    public async Task The_submitted_event_continues_the_trace_of_the_citizens_request()
    {
        var tenant = await MunicipalityAsync();
        var traceId = System.Diagnostics.ActivityTraceId.CreateRandom().ToHexString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/forms/v1/submissions")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { tenantId = tenant, serviceId = Certificate, answers = SampleAnswers.PrivateCertificate() }),
        };
        request.Headers.Authorization = new("Bearer", Citizen($"citizen-{NewId()}"));
        request.Headers.Add("Idempotency-Key", NewId());
        request.Headers.Add("traceparent", $"00-{traceId}-{System.Diagnostics.ActivitySpanId.CreateRandom().ToHexString()}-01");
        using var response = await _http.SendAsync(request);
        var id = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("submissionId").GetString()!;

        var announced = Assert.Single(await KafkaProbe.EventsWithKeyAsync(forms.KafkaBootstrapServers, "efa.forms", id, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30)));
        Assert.Equal(traceId, announced.TraceParent?.Split('-')[1]);
    }

    [Fact]
    public async Task Invalid_answers_change_nothing_and_every_problem_comes_back_with_field_code_and_message()
    {
        var prefix = UniquePrefix();
        var tenant = await MunicipalityAsync(prefix);
        var answers = new
        {
            certificateKind = "authority", extended = false, purpose = "x",
            applicant = new { familyName = "Mustermann", givenNames = "Erika", birthDate = "2090-01-01", birthPlace = "Köln", nationality = "XXX" },
        };

        var (status, problem) = await SubmitAsync(Citizen($"citizen-{NewId()}"), tenant, answers, language: "en");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var codes = problem.GetProperty("codes").EnumerateObject().ToDictionary(p => p.Name, p => p.Value[0].GetString());
        Assert.Equal(new Dictionary<string, string?>
        {
            ["answers.purpose"] = "minLength", ["answers.authority"] = "required",
            ["answers.applicant.birthDate"] = "dateInFuture", ["answers.applicant.nationality"] = "option",
        }, codes);
        Assert.Equal("The date must not be in the future.", problem.GetProperty("errors").GetProperty("answers.applicant.birthDate")[0].GetString());
        Assert.Equal(0, await CountAsync("select count(*) from submissions where tenant_id = $1", Guid.Parse(tenant)));
        Assert.Equal(0, await CountAsync("select count(*) from reference_counters_by_prefix where prefix = $1", prefix));
    }

    [Fact]
    public async Task A_repeated_idempotency_key_returns_the_first_submission_and_stores_nothing_new()
    {
        var tenant = await MunicipalityAsync();
        var erika = Citizen($"citizen-{NewId()}");
        var key = NewId();

        var (_, first) = await SubmitAsync(erika, tenant, SampleAnswers.PrivateCertificate(), key);
        var (status, again) = await SubmitAsync(erika, tenant, SampleAnswers.PrivateCertificate(), key);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(first.GetProperty("submissionId").GetString(), again.GetProperty("submissionId").GetString());
        Assert.Equal(first.GetProperty("reference").GetString(), again.GetProperty("reference").GetString());
        Assert.Equal(1, await CountAsync("select count(*) from submissions where tenant_id = $1", Guid.Parse(tenant)));
        var events = await KafkaProbe.EventsWithKeyAsync(forms.KafkaBootstrapServers, "efa.forms", first.GetProperty("submissionId").GetString()!, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30));
        Assert.Single(events);

        var (withoutKey, problem) = await _http.SendAsync(HttpMethod.Post, "/api/forms/v1/submissions", erika,
            new { tenantId = tenant, serviceId = Certificate, answers = SampleAnswers.PrivateCertificate() });
        Assert.Equal(HttpStatusCode.BadRequest, withoutKey);
        Assert.True(problem.GetProperty("errors").TryGetProperty("idempotencyKey", out _), problem.ToString());
    }

    [Fact]
    public async Task The_key_holds_in_PostgreSQL_when_Redis_has_forgotten_it()
    {
        var tenant = await MunicipalityAsync();
        var other = await MunicipalityAsync("MA");
        var subject = $"citizen-{NewId()}";
        var erika = Citizen(subject);
        var key = NewId();
        var (_, first) = await SubmitAsync(erika, tenant, SampleAnswers.PrivateCertificate(), key);

        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(forms.RedisConnectionString);
        async Task ForgetKeysAsync()
        {
            foreach (var stored in redis.GetServers().Single().Keys(pattern: $"*:idempotency:{subject}:*"))
            {
                await redis.GetDatabase().KeyDeleteAsync(stored);
            }
        }

        await ForgetKeysAsync();
        var (status, again) = await SubmitAsync(erika, tenant, SampleAnswers.PrivateCertificate(), key);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(first.GetProperty("submissionId").GetString(), again.GetProperty("submissionId").GetString());

        await ForgetKeysAsync();
        var (elsewhere, problem) = await SubmitAsync(erika, other, SampleAnswers.PrivateCertificate(), key);
        Assert.Equal(HttpStatusCode.BadRequest, elsewhere);
        Assert.Contains("another submission of yours", problem.GetProperty("errors").GetProperty("idempotencyKey")[0].GetString());
        Assert.Equal(0, await CountAsync("select count(*) from submissions where tenant_id = $1", Guid.Parse(other)));
    }

    [Fact]
    public async Task The_same_key_sent_six_times_at_once_makes_one_submission()
    {
        var tenant = await MunicipalityAsync();
        var erika = Citizen($"citizen-{NewId()}");
        var key = NewId();

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => SubmitAsync(erika, tenant, SampleAnswers.PrivateCertificate(), key)));

        // Each caller gets the submission, or is told that the first request with its key is still running (retry).
        Assert.All(answers, a => Assert.True(a.Status is HttpStatusCode.OK or HttpStatusCode.Conflict, a.Body.ToString()));
        Assert.Single(answers.Where(a => a.Status == HttpStatusCode.OK).Select(a => a.Body.GetProperty("submissionId").GetString()).Distinct());
        Assert.Equal(1, await CountAsync("select count(*) from submissions where tenant_id = $1", Guid.Parse(tenant)));
    }

    [Fact]
    public async Task Too_low_a_trust_level_an_unoffered_service_and_attachments_without_the_documents_service_are_refused()
    {
        var tenant = await MunicipalityAsync();

        var (lowTrust, problem) = await SubmitAsync(Citizen($"citizen-{NewId()}", acr: "substantial"), tenant, SampleAnswers.PrivateCertificate());
        Assert.Equal(HttpStatusCode.Forbidden, lowTrust);
        Assert.Contains("needs trust level high", problem.GetProperty("detail").GetString());

        var (unoffered, _) = await SubmitAsync(Citizen($"citizen-{NewId()}"), NewId(), SampleAnswers.PrivateCertificate());
        Assert.Equal(HttpStatusCode.BadRequest, unoffered);

        var parking = await MunicipalityAsync(service: "bewohnerparkausweis");
        var (withAttachment, refusal) = await SubmitAsync(Citizen($"citizen-{NewId()}"), parking, new
        {
            address = new { street = "Hauptstraße", houseNumber = "12", postalCode = "69117", city = "Heidelberg" },
            licensePlate = "HD-AB 123", vehicleKind = "pkw", isHolder = true, years = 1, validFrom = DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-dd"),
            registrationCertificate = "01a20617-89fd-7fd4-97d1-f538613d32b4",
        }, service: "bewohnerparkausweis");
        Assert.Equal(HttpStatusCode.BadRequest, withAttachment);
        Assert.Equal("FAILED_PRECONDITION", refusal.GetProperty("grpcStatus").GetString());
        Assert.Contains("documents service", refusal.GetProperty("detail").GetString());

        Assert.Equal(0, await CountAsync("select count(*) from submissions where tenant_id = $1", Guid.Parse(tenant)));
        Assert.Equal(0, await CountAsync("select count(*) from submissions where tenant_id = $1", Guid.Parse(parking)));
    }

    [Fact]
    public async Task Nobody_but_the_citizen_and_the_municipalitys_staff_sees_a_submission()
    {
        var heidelberg = await MunicipalityAsync("HD");
        var mannheim = await MunicipalityAsync("MA");
        var erika = Citizen($"citizen-{NewId()}");
        var max = Citizen($"citizen-{NewId()}");
        var (_, mine) = await SubmitAsync(erika, heidelberg, SampleAnswers.PrivateCertificate());
        var (_, elsewhere) = await SubmitAsync(max, mannheim, SampleAnswers.PrivateCertificate());
        var path = $"/api/forms/v1/submissions/{mine.GetProperty("submissionId").GetString()}";

        Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(HttpMethod.Get, path, erika)).Status);
        Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(HttpMethod.Get, path, Staff(heidelberg))).Status);
        Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(HttpMethod.Get, path, Staff(heidelberg, "tenant-admin"))).Status);

        // Another citizen, another municipality's staff, an operator: for them it does not exist.
        Assert.Equal(HttpStatusCode.NotFound, (await _http.SendAsync(HttpMethod.Get, path, max)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.SendAsync(HttpMethod.Get, path, Staff(mannheim))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.SendAsync(HttpMethod.Get, path, Staff(mannheim, "tenant-admin"))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.SendAsync(HttpMethod.Get, path, forms.Issuer.Issue(TestIssuer.Person("operator", role: "platform-admin")))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.SendAsync(HttpMethod.Post, path + ":withdraw", max, new { })).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _http.SendAsync(HttpMethod.Get, path, token: null)).Status);

        var (_, maxList) = await _http.SendAsync(HttpMethod.Get, "/api/forms/v1/me/submissions", max);
        Assert.Equal([elsewhere.GetProperty("submissionId").GetString()], maxList.GetProperty("submissions").EnumerateArray().Select(s => s.GetProperty("submissionId").GetString()));

        Assert.Equal(HttpStatusCode.Forbidden, (await _http.SendAsync(HttpMethod.Get, $"/api/forms/v1/tenants/{heidelberg}/submissions", Staff(mannheim))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await _http.SendAsync(HttpMethod.Get, $"/api/forms/v1/tenants/{heidelberg}/submissions", erika)).Status);
        var (_, mannheimList) = await _http.SendAsync(HttpMethod.Get, $"/api/forms/v1/tenants/{mannheim}/submissions", Staff(mannheim));
        Assert.Equal(["MA"], mannheimList.GetProperty("submissions").EnumerateArray().Select(s => s.GetProperty("reference").GetString()![..2]));
        Assert.False(mannheimList.GetProperty("submissions")[0].TryGetProperty("answers", out _), "lists carry no answers");
    }

    public void Dispose() => _http.Dispose();
}
