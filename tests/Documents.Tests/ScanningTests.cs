using System.Net;
using System.Security.Cryptography;
using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.Documents.Tests;

/// <summary>Malware scanning with the real clamd and the repository's test signatures (they recognise EICAR).</summary>
[Collection(DocumentsServiceCollection.Name)]
public sealed class ScanningTests(DocumentsServiceFixture fixture) : DocumentsApi(fixture.HttpUrl)
{
    [Fact]
    public async Task A_clean_file_is_scanned_while_it_is_uploaded_and_can_be_downloaded_at_once()
    {
        var token = fixture.CitizenToken($"citizen-{Guid.NewGuid():N}");

        var (status, document, _) = await UploadAsync(token, new ByteArrayContent(Pdf()), "Antrag.pdf");

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("clean", document.GetProperty("status").GetString());
        Assert.NotEqual("", document.GetProperty("scannedAt").GetString());
        using var download = await GetAsync($"/api/documents/v1/documents/{document.GetProperty("documentId").GetString()}/content", token);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
    }

    [Fact]
    public async Task A_PDF_carrying_the_EICAR_test_file_is_refused_quarantined_and_never_served()
    {
        var token = fixture.CitizenToken($"citizen-{Guid.NewGuid():N}");
        var content = InfectedPdf();

        var (status, problem, response) = await UploadAsync(token, new ByteArrayContent(content), "Antrag.pdf");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Efa.Test.EICAR", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var listed = await ListAsync(token);
        var infected = Assert.Single(listed);
        Assert.Equal("infected", infected.GetProperty("status").GetString());
        using var download = await GetAsync($"/api/documents/v1/documents/{infected.GetProperty("documentId").GetString()}/content", token);
        Assert.Equal(HttpStatusCode.Conflict, download.StatusCode);
        Assert.Equal(ProblemJson, download.Content.Headers.ContentType?.MediaType);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(content));
        Assert.True(File.Exists(Path.Combine(fixture.StoragePath, "quarantine", sha256)), "the content is in quarantine");
        Assert.False(File.Exists(Path.Combine(fixture.StoragePath, "sha256", sha256[..2], sha256[2..4], sha256)), "and not where content is served from");
    }

    [Fact]
    public async Task With_the_scanner_down_uploads_wait_in_pending_scan_and_are_scanned_when_it_is_back()
    {
        var token = fixture.CitizenToken($"citizen-{Guid.NewGuid():N}");
        await fixture.Scanner.StopAsync();
        string cleanId, infectedId;
        try
        {
            var (cleanStatus, clean, _) = await UploadAsync(token, new ByteArrayContent(Pdf()), "Antrag.pdf");
            var (infectedStatus, infected, _) = await UploadAsync(token, new ByteArrayContent(InfectedPdf()), "Anlage.pdf");
            Assert.Equal(HttpStatusCode.Created, cleanStatus);
            Assert.Equal(HttpStatusCode.Created, infectedStatus);
            Assert.Equal("pending_scan", clean.GetProperty("status").GetString());
            Assert.Equal("pending_scan", infected.GetProperty("status").GetString());
            cleanId = clean.GetProperty("documentId").GetString()!;
            infectedId = infected.GetProperty("documentId").GetString()!;
            using var unscanned = await GetAsync($"/api/documents/v1/documents/{cleanId}/content", token);
            Assert.Equal(HttpStatusCode.Conflict, unscanned.StatusCode);
        }
        finally
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await fixture.Scanner.StartAsync(timeout.Token);
        }

        await Eventually.WaitAsync(async () => (await DocumentAsync(token, infectedId)).GetProperty("status").GetString() != "pending_scan",
            TimeSpan.FromSeconds(30), "the waiting uploads are scanned");
        Assert.Equal("infected", (await DocumentAsync(token, infectedId)).GetProperty("status").GetString());
        Assert.Equal("clean", (await DocumentAsync(token, cleanId)).GetProperty("status").GetString());
        using var download = await GetAsync($"/api/documents/v1/documents/{cleanId}/content", token);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
    }
}
