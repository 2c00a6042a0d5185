using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.Documents.Tests;

/// <summary>Uploads as a front end makes them: a citizen signed in with the development eID, through the gateway of a platform started by the AppHost.</summary>
public sealed class GatewayUploadTests(PlatformFixture fixture) : IClassFixture<PlatformFixture>
{
    [Fact]
    public async Task A_signed_in_citizen_uploads_through_the_gateway_and_downloads_the_same_file()
    {
        using var oidc = fixture.Client();
        var token = (await oidc.SignInWithDevelopmentEidAsync("dev-erika-mustermann")).Body.GetProperty("access_token").GetString();
        using var http = new HttpClient { BaseAddress = new Uri(fixture.GatewayUrl), Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var content = new byte[300_000];
        Random.Shared.NextBytes(content);
        "%PDF-1.4\n"u8.CopyTo(content);

        using var upload = await http.PostAsync("/api/documents/v1/uploads?fileName=Vermieterbestätigung.pdf", new ByteArrayContent(content));
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var document = await upload.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Vermieterbestätigung.pdf", document.GetProperty("fileName").GetString());

        var download = await http.GetByteArrayAsync($"/api/documents/v1/documents/{document.GetProperty("documentId").GetString()}/content");
        Assert.Equal(content, download);
        var listed = await http.GetFromJsonAsync<JsonElement>("/api/documents/v1/documents");
        Assert.Contains(listed.GetProperty("documents").EnumerateArray(), d => d.GetProperty("documentId").GetString() == document.GetProperty("documentId").GetString());
    }
}
