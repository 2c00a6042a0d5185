using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace EfaPlatform.Documents.Tests;

[Collection(DocumentsServiceCollection.Name)]
public sealed class UploadTests(DocumentsServiceFixture fixture) : DocumentsApi(fixture.HttpUrl)
{

    [Fact]
    public async Task A_PDF_is_stored_with_its_hash_and_a_clean_name_and_comes_back_whole_in_ranges_and_with_an_ETag()
    {
        var token = fixture.CitizenToken($"citizen-{Guid.NewGuid():N}");
        var content = Pdf(10_000);

        var (status, document, _) = await UploadAsync(token, new ByteArrayContent(content), "../../etc/Meldebescheinigung\u0001.pdf");

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("Meldebescheinigung.pdf", document.GetProperty("fileName").GetString());
        Assert.Equal("application/pdf", document.GetProperty("mediaType").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), document.GetProperty("sha256").GetString());
        Assert.Equal("10000", document.GetProperty("sizeBytes").GetString()); // int64 is a JSON string in protobuf's mapping
        var id = document.GetProperty("documentId").GetString();

        using var whole = await GetAsync($"/api/documents/v1/documents/{id}/content", token);
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal(content, await whole.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/pdf", whole.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Meldebescheinigung.pdf", whole.Content.Headers.ContentDisposition?.FileNameStar ?? whole.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var etag = whole.Headers.ETag!;

        using var part = await GetAsync($"/api/documents/v1/documents/{id}/content", token, r => r.Headers.Range = new RangeHeaderValue(100, 199));
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal(content[100..200], await part.Content.ReadAsByteArrayAsync());

        using var beyond = await GetAsync($"/api/documents/v1/documents/{id}/content", token, r => r.Headers.Range = new RangeHeaderValue(20_000, 20_100));
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, beyond.StatusCode);

        using var unchanged = await GetAsync($"/api/documents/v1/documents/{id}/content", token, r => r.Headers.IfNoneMatch.Add(etag));
        Assert.Equal(HttpStatusCode.NotModified, unchanged.StatusCode);

        using var described = await GetAsync($"/api/documents/v1/documents/{id}", token);
        Assert.Equal(id, (await described.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("documentId").GetString());
    }

    [Theory]
    [InlineData("rechnung\u202Efdp.pdf", "rechnungfdp.pdf")]
    [InlineData("CON.pdf", "document.pdf")]
    public async Task A_file_name_loses_what_could_mislead_or_break_and_keeps_whole_characters(string given, string kept)
    {
        var token = fixture.CitizenToken($"citizen-{Guid.NewGuid():N}");
        var (status, document, _) = await UploadAsync(token, new ByteArrayContent(Pdf()), given);
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(kept, document.GetProperty("fileName").GetString());

        // 200 UTF-16 units cut in the middle of an emoji would be half a character, which PostgreSQL refuses.
        var (long_, longDocument, _) = await UploadAsync(token, new ByteArrayContent(Pdf()), "a" + string.Concat(Enumerable.Repeat("📄", 150)) + ".pdf");
        Assert.Equal(HttpStatusCode.Created, long_);
        var name = longDocument.GetProperty("fileName").GetString()!;
        Assert.True(name.Length <= 200 && name.EndsWith("📄.pdf", StringComparison.Ordinal), name);
    }

    [Fact]
    public async Task A_browser_form_upload_stores_its_file_part_under_the_parts_clean_name()
    {
        var token = fixture.CitizenToken($"citizen-{Guid.NewGuid():N}");
        var content = Pdf(30_000);
        using var form = new MultipartFormDataContent
        {
            { new StringContent("Nachweis für den Antrag"), "description" },
            { new ByteArrayContent(content), "file", "C:\\Users\\erika\\Wohnungsgeberbestätigung.pdf" },
            { new StringContent("ignored"), "note" },
        };

        var (status, document, _) = await UploadAsync(token, form, fileName: null);

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("Wohnungsgeberbestätigung.pdf", document.GetProperty("fileName").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), document.GetProperty("sha256").GetString());
        using var stored = await GetAsync($"/api/documents/v1/documents/{document.GetProperty("documentId").GetString()}/content", token);
        Assert.Equal(content, await stored.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_file_endpoints_next_to_the_transcoded_ones_and_every_operation_answers()
    {
        var document = await _http.GetFromJsonAsync<JsonElement>("/api/documents/openapi.json");

        var paths = document.GetProperty("paths");
        var upload = paths.GetProperty("/api/documents/v1/uploads").GetProperty("post");
        Assert.Equal(["application/octet-stream", "multipart/form-data"], upload.GetProperty("requestBody").GetProperty("content").EnumerateObject().Select(c => c.Name));
        Assert.Contains("caseworker", upload.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(["head", "patch", "delete"], paths.GetProperty("/api/documents/v1/resumable-uploads/{uploadId}").EnumerateObject().Select(o => o.Name));
        Assert.Equal(["documentId"], paths.GetProperty("/api/documents/v1/documents/{documentId}/content").GetProperty("get").GetProperty("parameters")
            .EnumerateArray().Where(p => p.GetProperty("in").GetString() == "path").Select(p => p.GetProperty("name").GetString()));
        Assert.True(paths.TryGetProperty("/api/documents/v1/mailbox", out _)); // a transcoded method still there

        // Without a token, the one public operation answers and every other refuses as unauthenticated: none is made up.
        foreach (var path in paths.EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var url = System.Text.RegularExpressions.Regex.Replace(path.Name, @"\{[^}]+\}", Guid.NewGuid().ToString());
                using var request = new HttpRequestMessage(new HttpMethod(operation.Name.ToUpperInvariant()), url);
                using var response = await _http.SendAsync(request);
                var expected = operation.Value.GetProperty("security").GetArrayLength() == 0 ? HttpStatusCode.NoContent : HttpStatusCode.Unauthorized;
                Assert.True(response.StatusCode == expected, $"{operation.Name} {url}: {(int)response.StatusCode}, expected {(int)expected}");
            }
        }
    }

    [Theory]
    [InlineData("two-files", "second file part")]
    [InlineData("no-file", "no file part")]
    [InlineData("truncated", "closing boundary")]
    [InlineData("no-boundary", "boundary")]
    [InlineData("second-file-after-many-fields", "at most 8 fields")]
    public async Task A_form_upload_that_is_malformed_or_carries_two_files_is_refused_and_nothing_is_stored(string kind, string reason)
    {
        var token = fixture.CitizenToken($"citizen-{Guid.NewGuid():N}");
        const string boundary = "efa-test-boundary";
        var file = $"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n1234\r\n";
        var body = kind switch
        {
            "two-files" => file + file + $"--{boundary}--\r\n",
            "no-file" => $"--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nnur Text\r\n--{boundary}--\r\n",
            "second-file-after-many-fields" => file + string.Concat(Enumerable.Repeat($"--{boundary}\r\nContent-Disposition: form-data; name=\"n\"\r\n\r\nx\r\n", 9))
                                               + file + $"--{boundary}--\r\n",
            _ => file[..^10],
        };
        var content = new StringContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(kind == "no-boundary" ? "multipart/form-data" : $"multipart/form-data; boundary={boundary}");

        var (status, problem, response) = await UploadAsync(token, content, fileName: null);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(reason, problem.GetProperty("errors").GetProperty("file")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await DocumentCountAsync(token));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(fixture.StoragePath, "tmp")));
    }

    [Theory]
    [InlineData("pdf-named-png", "Ausweis.png", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("elf-named-pdf", "Antrag.pdf", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("windows-exe-named-pdf", "Antrag.pdf", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("text", "notiz.txt", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("empty", "leer.pdf", HttpStatusCode.BadRequest)]
    public async Task A_file_whose_content_is_not_accepted_or_not_what_its_name_says_is_refused_and_nothing_is_stored(string kind, string fileName, HttpStatusCode expected)
    {
        var token = fixture.CitizenToken($"citizen-{Guid.NewGuid():N}");
        byte[] content = kind switch
        {
            "pdf-named-png" => Pdf(),
            "elf-named-pdf" => [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0, .. new byte[200]],
            "windows-exe-named-pdf" => [.. "MZ"u8.ToArray(), .. new byte[200]],
            "text" => Encoding.UTF8.GetBytes("Nur ein Text."),
            _ => [],
        };

        var (status, problem, response) = await UploadAsync(token, new ByteArrayContent(content), fileName);

        Assert.Equal(expected, status);
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
        Assert.True(problem.GetProperty("errors").TryGetProperty("file", out _), problem.ToString());
        Assert.Equal(0, await DocumentCountAsync(token));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(fixture.StoragePath, "tmp")));
    }

    [Fact]
    public async Task A_file_over_the_limit_is_refused_with_413_naming_the_limit_also_when_its_length_is_not_declared()
    {
        var token = fixture.CitizenToken($"citizen-{Guid.NewGuid():N}");
        var declaredContent = new StreamContent(new GeneratedPdfStream(DocumentsServiceFixture.MaxFileBytes + 1, SHA256.Create()));
        declaredContent.Headers.ContentLength = DocumentsServiceFixture.MaxFileBytes + 1;
        var (declared, declaredProblem, _) = await UploadAsync(token, declaredContent, "gross.pdf");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared);
        Assert.Contains(DocumentsServiceFixture.MaxFileBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), declaredProblem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var streamed = new StreamContent(new GeneratedPdfStream(DocumentsServiceFixture.MaxFileBytes + 100_000, SHA256.Create()));
        var (chunked, _, _) = await UploadAsync(token, new ChunkedContent(streamed), "gross.pdf");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunked);
        Assert.Equal(0, await DocumentCountAsync(token));
    }

    [Fact]
    public async Task Documents_are_their_owners_alone_and_a_deleted_one_is_gone()
    {
        var owner = fixture.CitizenToken($"citizen-{Guid.NewGuid():N}");
        var other = fixture.CitizenToken($"citizen-{Guid.NewGuid():N}");
        var caseworker = fixture.Issuer.Issue(EfaPlatform.TestInfrastructure.TestIssuer.Person($"staff-{Guid.NewGuid():N}", tenant: Guid.NewGuid().ToString(), role: "caseworker"));
        var (_, document, _) = await UploadAsync(owner, new ByteArrayContent(Pdf()), "Bescheid.pdf");
        var id = document.GetProperty("documentId").GetString();

        foreach (var path in new[] { $"/api/documents/v1/documents/{id}", $"/api/documents/v1/documents/{id}/content" })
        {
            using var foreign = await GetAsync(path, other);
            Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
            Assert.Equal(ProblemJson, foreign.Content.Headers.ContentType?.MediaType);
            using var staff = await GetAsync(path, caseworker);
            Assert.Equal(HttpStatusCode.NotFound, staff.StatusCode); // not attached to a submission of the caseworker's tenant
            using var anonymous = await GetAsync(path, null);
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await UploadAsync(null, new ByteArrayContent(Pdf()), "x.pdf")).Status);
        var operatorToken = fixture.Issuer.Issue(EfaPlatform.TestInfrastructure.TestIssuer.Person("operator", role: "platform-admin"));
        Assert.Equal(HttpStatusCode.Forbidden, (await UploadAsync(operatorToken, new ByteArrayContent(Pdf()), "x.pdf")).Status);
        using (var deleteByOther = new HttpRequestMessage(HttpMethod.Delete, $"/api/documents/v1/documents/{id}"))
        {
            deleteByOther.Headers.Authorization = new AuthenticationHeaderValue("Bearer", other);
            Assert.Equal(HttpStatusCode.NotFound, (await _http.SendAsync(deleteByOther)).StatusCode);
        }

        using var delete = new HttpRequestMessage(HttpMethod.Delete, $"/api/documents/v1/documents/{id}");
        delete.Headers.Authorization = new AuthenticationHeaderValue("Bearer", owner);
        Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(delete)).StatusCode);
        using var gone = await GetAsync($"/api/documents/v1/documents/{id}/content", owner);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

}
