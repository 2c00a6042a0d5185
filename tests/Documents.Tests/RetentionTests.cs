using System.Net;
using EfaPlatform.Contracts.Events.V1;
using EfaPlatform.TestInfrastructure;
using Google.Protobuf.WellKnownTypes;
using Npgsql;

namespace EfaPlatform.Documents.Tests;

/// <summary>Retention after a decision, per municipality, and a citizen's erasure request (DSGVO Art. 17).</summary>
[Collection(DocumentsServiceCollection.Name)]
public sealed class RetentionTests(DocumentsServiceFixture fixture) : DocumentsApi(fixture.HttpUrl)
{
    private async Task<string> UploadPdfAsync(string token) =>
        (await UploadAsync(token, new ByteArrayContent(Pdf()), "Nachweis.pdf")).Body.GetProperty("documentId").GetString()!;

    [Fact]
    public async Task An_erasure_request_deletes_what_nothing_keeps_and_says_why_the_rest_is_kept()
    {
        var owner = fixture.CitizenToken($"citizen-{Guid.NewGuid():N}");
        var loose = await UploadPdfAsync(owner);
        var attached = await UploadPdfAsync(owner);
        var submission = await Attaching.AttachAsync(fixture, owner, attached, Guid.NewGuid().ToString());

        var (status, erased) = await _http.SendAsync(HttpMethod.Post, "/api/documents/v1/documents:erase", owner, new { });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, erased.GetProperty("deletedCount").GetInt32());
        var kept = Assert.Single(erased.GetProperty("kept").EnumerateArray());
        Assert.Equal(attached, kept.GetProperty("documentId").GetString());
        Assert.Contains(submission, kept.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains("mailbox", erased.GetProperty("mailboxNote").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync($"/api/documents/v1/documents/{loose}", owner)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync($"/api/documents/v1/documents/{attached}", owner)).StatusCode);
    }

    [Fact]
    public async Task Attached_documents_go_once_the_municipalitys_retention_period_after_the_decision_has_passed()
    {
        var tenant = Guid.NewGuid().ToString();
        var admin = fixture.Issuer.Issue(TestIssuer.Person($"admin-{Guid.NewGuid():N}", tenant: tenant, role: "tenant-admin"));
        var otherAdmin = fixture.Issuer.Issue(TestIssuer.Person($"admin-{Guid.NewGuid():N}", tenant: Guid.NewGuid().ToString(), role: "tenant-admin"));
        var policy = $"/api/documents/v1/tenants/{tenant}/retention-policy";
        var (_, initial) = await _http.SendAsync(HttpMethod.Get, policy, admin);
        Assert.True(initial.GetProperty("isDefault").GetBoolean());
        Assert.Equal(HttpStatusCode.Forbidden, (await _http.SendAsync(HttpMethod.Put, policy, otherAdmin, new { retentionDays = 1 })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await _http.SendAsync(HttpMethod.Put, policy, admin, new { retentionDays = 0 })).Status);
        var (set, updated) = await _http.SendAsync(HttpMethod.Put, policy, admin, new { retentionDays = 30 });
        Assert.Equal(HttpStatusCode.OK, set);
        Assert.Equal(30, updated.GetProperty("retentionDays").GetInt32());

        var owner = fixture.CitizenToken($"citizen-{Guid.NewGuid():N}");
        var decidedLongAgo = await UploadPdfAsync(owner);
        var decidedRecently = await UploadPdfAsync(owner);
        var old = await Attaching.AttachAsync(fixture, owner, decidedLongAgo, tenant);
        var recent = await Attaching.AttachAsync(fixture, owner, decidedRecently, tenant);
        foreach (var (submission, daysAgo) in new[] { (old, 31), (recent, 29) })
        {
            await KafkaProbe.PublishAsync(fixture.KafkaBootstrapServers,
                new SubmissionDecided { SubmissionId = submission, Outcome = "approved", DecidedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-daysAgo)) },
                submission, Guid.NewGuid().ToString());
        }

        await Eventually.WaitAsync(async () => await ClosedAttachmentsAsync(old, recent) == 2, TimeSpan.FromSeconds(60), "both decisions are recorded");
        await fixture.SweepAsync(unattachedRetention: TimeSpan.Zero);

        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync($"/api/documents/v1/documents/{decidedLongAgo}", owner)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync($"/api/documents/v1/documents/{decidedRecently}", owner)).StatusCode);
    }

    private async Task<long> ClosedAttachmentsAsync(params string[] submissions)
    {
        await using var connection = new NpgsqlConnection(fixture.DatabaseConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("select count(*) from document_attachments where submission_id = any($1) and closed_at is not null", connection);
        count.Parameters.AddWithValue(submissions.Select(Guid.Parse).ToArray());
        return (long)(await count.ExecuteScalarAsync())!;
    }
}
