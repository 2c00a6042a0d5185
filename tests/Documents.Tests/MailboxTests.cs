using System.Net;
using System.Text.Json;
using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.Documents.Tests;

/// <summary>A municipality issues a decision into a citizen's mailbox; the citizen reads it; the events are on Kafka.</summary>
[Collection(DocumentsServiceCollection.Name)]
public sealed class MailboxTests(DocumentsServiceFixture fixture) : DocumentsApi(fixture.HttpUrl)
{
    private readonly string _tenantA = Guid.NewGuid().ToString();
    private readonly string _tenantB = Guid.NewGuid().ToString();

    private string Caseworker(string tenant) => fixture.Issuer.Issue(TestIssuer.Person($"staff-{Guid.NewGuid():N}", tenant: tenant, role: "caseworker"));

    private async Task<string> IssuedDocumentAsync(string staff)
    {
        var (status, document, _) = await UploadAsync(staff, new ByteArrayContent(Pdf()), "Bescheid.pdf");
        Assert.Equal(HttpStatusCode.Created, status);
        return document.GetProperty("documentId").GetString()!;
    }

    private Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(string staff, string tenant, string recipient, string subject, params string[] documents) =>
        _http.SendAsync(HttpMethod.Post, $"/api/documents/v1/tenants/{tenant}/messages", staff,
            new { recipientSubject = recipient, subject, body = "Ihr Antrag wurde bewilligt.", documentIds = documents, submissionId = Guid.CreateVersion7().ToString() });

    [Fact]
    public async Task An_issued_decision_reaches_the_citizens_mailbox_is_read_once_and_downloaded_and_the_events_are_published()
    {
        var citizen = $"citizen-{Guid.NewGuid():N}";
        var citizenToken = fixture.CitizenToken(citizen);
        var staffA = Caseworker(_tenantA);
        var documentId = await IssuedDocumentAsync(staffA);

        var (sent, first) = await SendAsync(staffA, _tenantA, citizen, "Bewohnerparkausweis: Bescheid", documentId);
        var (_, second) = await SendAsync(staffA, _tenantA, citizen, "Eingangsbestätigung");

        Assert.Equal(HttpStatusCode.OK, sent);
        Assert.Equal(documentId, Assert.Single(first.GetProperty("documents").EnumerateArray()).GetProperty("documentId").GetString());
        var firstId = first.GetProperty("messageId").GetString()!;
        var secondId = second.GetProperty("messageId").GetString()!;
        var (_, read) = await _http.SendAsync(HttpMethod.Post, $"/api/documents/v1/mailbox/{secondId}:read", citizenToken, new { });
        var readAt = read.GetProperty("readAt").GetString();
        Assert.False(string.IsNullOrEmpty(readAt));
        var (_, again) = await _http.SendAsync(HttpMethod.Post, $"/api/documents/v1/mailbox/{secondId}:read", citizenToken, new { });
        Assert.Equal(readAt, again.GetProperty("readAt").GetString());

        var (_, mailbox) = await _http.SendAsync(HttpMethod.Get, "/api/documents/v1/mailbox", citizenToken);
        Assert.Equal([firstId, secondId], mailbox.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("messageId").GetString()));
        var (_, pageOne) = await _http.SendAsync(HttpMethod.Get, "/api/documents/v1/mailbox?pageSize=1", citizenToken);
        var (_, pageTwo) = await _http.SendAsync(HttpMethod.Get, $"/api/documents/v1/mailbox?pageSize=1&pageToken={Uri.EscapeDataString(pageOne.GetProperty("nextPageToken").GetString()!)}", citizenToken);
        Assert.Equal(secondId, Assert.Single(pageTwo.GetProperty("messages").EnumerateArray()).GetProperty("messageId").GetString());

        Assert.Equal(HttpStatusCode.OK, (await GetAsync($"/api/documents/v1/documents/{documentId}/content", citizenToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync($"/api/documents/v1/documents/{documentId}/content", staffA)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync($"/api/documents/v1/documents/{documentId}/content", fixture.CitizenToken("someone-else"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync($"/api/documents/v1/documents/{documentId}/content", Caseworker(_tenantB))).StatusCode);

        var issued = await KafkaProbe.EventsWithKeyAsync(fixture.KafkaBootstrapServers, "efa.documents", firstId, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60));
        Assert.Equal(["de.efa.documents.document.issued.v1"], issued.Select(e => e.Type));
        var receipts = await KafkaProbe.EventsWithKeyAsync(fixture.KafkaBootstrapServers, "efa.documents", secondId, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60));
        Assert.Equal(["de.efa.documents.document.issued.v1", "de.efa.documents.message.read.v1"], receipts.Select(e => e.Type));
    }

    [Fact]
    public async Task Nobody_sends_for_another_municipality_or_with_its_documents_and_nobody_reads_another_persons_message()
    {
        var citizen = $"citizen-{Guid.NewGuid():N}";
        var staffA = Caseworker(_tenantA);
        var staffB = Caseworker(_tenantB);
        var documentA = await IssuedDocumentAsync(staffA);

        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(staffB, _tenantA, citizen, "Bescheid", documentA)).Status);
        var (foreignDocument, problem) = await SendAsync(staffB, _tenantB, citizen, "Bescheid", documentA);
        Assert.Equal(HttpStatusCode.BadRequest, foreignDocument);
        Assert.True(problem.GetProperty("errors").TryGetProperty("documentIds", out _), problem.ToString());
        var (empty, emptyProblem) = await SendAsync(staffA, _tenantA, citizen, "   ");
        Assert.Equal(HttpStatusCode.BadRequest, empty);
        Assert.True(emptyProblem.GetProperty("errors").TryGetProperty("subject", out _), emptyProblem.ToString());
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(fixture.CitizenToken(citizen), _tenantA, "someone", "Spam")).Status);

        var (_, message) = await SendAsync(staffA, _tenantA, citizen, "Bescheid", documentA);
        var messageId = message.GetProperty("messageId").GetString();
        var (otherRead, _) = await _http.SendAsync(HttpMethod.Post, $"/api/documents/v1/mailbox/{messageId}:read", fixture.CitizenToken("someone-else"), new { });
        Assert.Equal(HttpStatusCode.NotFound, otherRead);
        var (staffRead, _) = await _http.SendAsync(HttpMethod.Post, $"/api/documents/v1/mailbox/{messageId}:read", staffA, new { });
        Assert.Equal(HttpStatusCode.Forbidden, staffRead);
        var (_, stillUnread) = await _http.SendAsync(HttpMethod.Get, "/api/documents/v1/mailbox", fixture.CitizenToken(citizen));
        Assert.Equal("", Assert.Single(stillUnread.GetProperty("messages").EnumerateArray()).GetProperty("readAt").GetString());
    }
}
