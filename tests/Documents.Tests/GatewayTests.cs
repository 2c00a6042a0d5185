using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using EfaPlatform.AppHost;
using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.Documents.Tests;

/// <summary>
/// Documents as a front end uses them: a citizen signed in with the development eID, through the gateway of the whole
/// platform started by the AppHost (documents with its clamd, forms holding and attaching through documents).
/// </summary>
public sealed class GatewayTests(PlatformFixture fixture) : IClassFixture<PlatformFixture>, IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(fixture.GatewayUrl), Timeout = TimeSpan.FromSeconds(60) };

    private async Task<string> CitizenTokenAsync(string person)
    {
        using var oidc = fixture.Client();
        return (await oidc.SignInWithDevelopmentEidAsync(person)).Body.GetProperty("access_token").GetString()!;
    }

    private async Task<JsonElement> UploadAsync(string token, byte[] content, string fileName)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/documents/v1/uploads?fileName={Uri.EscapeDataString(fileName)}")
        {
            Content = new ByteArrayContent(content) { Headers = { ContentType = new MediaTypeHeaderValue("application/pdf") } },
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<HttpStatusCode> DownloadStatusAsync(string token, string documentId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/documents/v1/documents/{documentId}/content");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _http.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task A_signed_in_citizen_uploads_through_the_gateway_and_downloads_the_same_file()
    {
        var token = await CitizenTokenAsync("dev-erika-mustermann");
        var content = DocumentsApi.Pdf(300_000);

        var document = await UploadAsync(token, content, "Vermieterbestätigung.pdf");

        Assert.Equal("Vermieterbestätigung.pdf", document.GetProperty("fileName").GetString());
        Assert.Equal("clean", document.GetProperty("status").GetString());
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(content, await _http.GetByteArrayAsync($"/api/documents/v1/documents/{document.GetProperty("documentId").GetString()}/content"));
        var listed = await _http.GetFromJsonAsync<JsonElement>("/api/documents/v1/documents");
        _http.DefaultRequestHeaders.Authorization = null;
        Assert.Contains(listed.GetProperty("documents").EnumerateArray(), d => d.GetProperty("documentId").GetString() == document.GetProperty("documentId").GetString());
    }

    [Theory]
    [InlineData("bewohnerparkausweis", "Zulassungsbescheinigung.pdf")]
    [InlineData("anmeldung-wohnung", "Wohnungsgeberbestätigung.pdf")]
    public async Task A_service_with_an_attachment_is_submitted_end_to_end_and_the_document_is_then_the_municipalitys_to_read(string service, string fileName)
    {
        var citizen = await CitizenTokenAsync("dev-max-mustermann");
        var documentId = (await UploadAsync(citizen, DocumentsApi.Pdf(50_000), fileName)).GetProperty("documentId").GetString()!;
        object answers = service == "bewohnerparkausweis" ? SampleAnswers.ParkingPermit(documentId) : SampleAnswers.Registration(1, documentId);

        var (status, submission) = await _http.SendAsync(HttpMethod.Post, "/api/forms/v1/submissions", citizen,
            new { tenantId = DevelopmentTenant.Id, serviceId = service, answers, language = "de" }, Guid.NewGuid().ToString());

        Assert.True(status == HttpStatusCode.OK, submission.ToString());
        Assert.Equal(documentId, Assert.Single(submission.GetProperty("attachments").EnumerateArray()).GetProperty("documentId").GetString());
        // Attached when forms announces the submission: from then on the municipality's caseworker reads it, and the citizen can no longer delete it.
        using var staff = fixture.Client();
        var (_, staffTokens) = await staff.SignInAsync("sachbearbeitung@heidelberg.example", fixture.SeedPassword);
        var caseworker = staffTokens.GetProperty("access_token").GetString()!;
        await Eventually.WaitAsync(async () => await DownloadStatusAsync(caseworker, documentId) == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30), "the caseworker can read the attached document");
        var (deleted, refusal) = await _http.SendAsync(HttpMethod.Delete, $"/api/documents/v1/documents/{documentId}", citizen);
        Assert.Equal(HttpStatusCode.BadRequest, deleted);
        Assert.Contains("attached", refusal.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var other = await CitizenTokenAsync("dev-erika-mustermann");
        Assert.Equal(HttpStatusCode.NotFound, await DownloadStatusAsync(other, documentId));
    }

    [Fact]
    public async Task Another_citizens_document_or_one_over_the_fields_limit_is_refused_on_the_field_and_nothing_is_stored()
    {
        var citizen = await CitizenTokenAsync("dev-max-mustermann");
        var other = await CitizenTokenAsync("dev-erika-mustermann");
        var foreign = (await UploadAsync(other, DocumentsApi.Pdf(), "fremd.pdf")).GetProperty("documentId").GetString()!;
        var tooLarge = (await UploadAsync(citizen, DocumentsApi.Pdf(5 * 1024 * 1024 + 1), "gross.pdf")).GetProperty("documentId").GetString()!;

        foreach (var (documentId, code) in new[] { (foreign, "attachmentUnknown"), (tooLarge, "attachmentTooLarge") })
        {
            var (status, problem) = await _http.SendAsync(HttpMethod.Post, "/api/forms/v1/submissions", citizen,
                new { tenantId = DevelopmentTenant.Id, serviceId = "bewohnerparkausweis", answers = SampleAnswers.ParkingPermit(documentId), language = "de" },
                Guid.NewGuid().ToString());

            Assert.Equal(HttpStatusCode.BadRequest, status);
            var field = Assert.Single(problem.GetProperty("errors").GetProperty("answers.registrationCertificate").EnumerateArray());
            Assert.Contains(code, problem.ToString(), StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty(field.GetString()));
        }

        // Refused answers hold nothing: the citizen can still delete the document.
        var (deleted, _) = await _http.SendAsync(HttpMethod.Delete, $"/api/documents/v1/documents/{tooLarge}", citizen);
        Assert.Equal(HttpStatusCode.OK, deleted);
    }

    public void Dispose() => _http.Dispose();
}
