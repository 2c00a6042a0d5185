using EfaPlatform.Documents.Storage;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using EfaPlatform.TestInfrastructure;
using Npgsql;

namespace EfaPlatform.Documents.Tests;

/// <summary>Resumable uploads as a tus 1.0 client makes them.</summary>
[Collection(DocumentsServiceCollection.Name)]
public sealed class ResumableUploadTests(DocumentsServiceFixture fixture, ITestOutputHelper output) : DocumentsApi(fixture.HttpUrl)
{
    private const string Uploads = "/api/documents/v1/resumable-uploads";

    private async Task<HttpResponseMessage> TusAsync(HttpMethod method, string path, string? token, Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Tus-Resumable", "1.0.0");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        configure?.Invoke(request);
        return await _http.SendAsync(request);
    }

    private async Task<string> CreateAsync(string token, long length, string fileName = "Mietvertrag.pdf")
    {
        using var created = await TusAsync(HttpMethod.Post, Uploads, token, r =>
        {
            r.Headers.Add("Upload-Length", length.ToString(System.Globalization.CultureInfo.InvariantCulture));
            r.Headers.Add("Upload-Metadata", $"filename {Convert.ToBase64String(Encoding.UTF8.GetBytes(fileName))},filetype YXBwbGljYXRpb24vcGRm");
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("0", created.Headers.GetValues("Upload-Offset").Single());
        return created.Headers.Location!.OriginalString;
    }

    private Task<HttpResponseMessage> PatchAsync(string location, string token, long offset, HttpContent content, string contentType = "application/offset+octet-stream") =>
        TusAsync(HttpMethod.Patch, location, token, r =>
        {
            r.Headers.Add("Upload-Offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture));
            r.Content = content;
            r.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        });

    private async Task<long> OffsetAsync(string location, string token)
    {
        using var head = await TusAsync(HttpMethod.Head, location, token);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        return long.Parse(head.Headers.GetValues("Upload-Offset").Single(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task An_interrupted_upload_continues_where_it_stopped_and_ends_with_the_right_SHA_256()
    {
        var token = fixture.CitizenToken($"citizen-{Guid.NewGuid():N}");
        var content = Pdf(6 * 1024 * 1024);
        var location = await CreateAsync(token, content.Length);

        using (var first = await PatchAsync(location, token, 0, new ByteArrayContent(content, 0, 1024 * 1024)))
        {
            Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
            Assert.Equal("1048576", first.Headers.GetValues("Upload-Offset").Single());
        }

        // The connection breaks after about 2 MiB more: what arrived is kept.
        using (var breaking = new CancellationTokenSource())
        {
            var body = new BreakingStream(content.AsMemory(1024 * 1024), breakAfter: 2 * 1024 * 1024, breaking);
            var request = PatchAsync(location, token, 1024 * 1024, new StreamContent(body));
            await Assert.ThrowsAnyAsync<Exception>(() => request.WaitAsync(TimeSpan.FromSeconds(30)));
        }

        var resumeAt = (await Eventually.WaitAsync(async () =>
        {
            var offset = await OffsetAsync(location, token);
            return offset > 1024 * 1024 ? (long?)offset : null;
        }, TimeSpan.FromSeconds(10), "the broken-off bytes are acknowledged")) ?? 0;
        output.WriteLine($"the interrupted request left the upload at offset {resumeAt}");
        using var stale = await PatchAsync(location, token, 0, new ByteArrayContent(content, 0, 10));
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal(ProblemJson, stale.Content.Headers.ContentType?.MediaType);

        using var rest = await PatchAsync(location, token, resumeAt, new ByteArrayContent(content, (int)resumeAt, content.Length - (int)resumeAt));
        Assert.Equal(HttpStatusCode.NoContent, rest.StatusCode);
        var documentPath = rest.Headers.GetValues("Efa-Document-Location").Single();
        var document = await DocumentAsync(token, documentPath[(documentPath.LastIndexOf('/') + 1)..]);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), document.GetProperty("sha256").GetString());
        Assert.Equal("Mietvertrag.pdf", document.GetProperty("fileName").GetString());
        Assert.Equal("clean", document.GetProperty("status").GetString());
        using var download = await GetAsync($"{documentPath}/content", token);
        Assert.Equal(content, await download.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_caseworker_uploads_a_decision_resumably_which_is_then_the_municipalitys_while_the_upload_stays_their_own()
    {
        var tenant = Guid.NewGuid().ToString();
        string Caseworker(string of) => fixture.Issuer.Issue(TestIssuer.Person($"staff-{Guid.NewGuid():N}", tenant: of, role: "caseworker"));
        var (uploader, colleague, elsewhere) = (Caseworker(tenant), Caseworker(tenant), Caseworker(Guid.NewGuid().ToString()));
        var content = Pdf(200_000);
        var location = await CreateAsync(uploader, content.Length, "Bescheid.pdf");

        using (var foreign = await TusAsync(HttpMethod.Head, location, colleague))
        {
            Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        }

        using var done = await PatchAsync(location, uploader, 0, new ByteArrayContent(content));
        Assert.Equal(HttpStatusCode.NoContent, done.StatusCode);
        var documentPath = done.Headers.GetValues("Efa-Document-Location").Single();
        using var read = await GetAsync(documentPath + "/content", colleague);
        Assert.Equal(content, await read.Content.ReadAsByteArrayAsync());
        using var notTheirs = await GetAsync(documentPath, elsewhere);
        Assert.Equal(HttpStatusCode.NotFound, notTheirs.StatusCode);

        using var byOperator = await TusAsync(HttpMethod.Post, Uploads, fixture.Issuer.Issue(TestIssuer.Person("operator-1", role: "platform-admin")), r =>
        {
            r.Headers.Add("Upload-Length", "100");
            r.Headers.Add("Upload-Metadata", "filename YS5wZGY=");
        });
        Assert.Equal(HttpStatusCode.Forbidden, byOperator.StatusCode);
    }

    [Fact]
    public async Task Careless_and_hostile_requests_get_the_tus_answers_and_change_nothing()
    {
        var token = fixture.CitizenToken($"citizen-{Guid.NewGuid():N}");
        var other = fixture.CitizenToken($"citizen-{Guid.NewGuid():N}");
        var content = Pdf(100_000);
        var location = await CreateAsync(token, content.Length, "../../etc/passwd\u0000.pdf");

        using (var options = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Options, Uploads)))
        {
            Assert.Equal(HttpStatusCode.NoContent, options.StatusCode);
            Assert.Contains("creation", options.Headers.GetValues("Tus-Extension").Single(), StringComparison.Ordinal);
        }

        using (var noVersion = new HttpRequestMessage(HttpMethod.Post, Uploads))
        {
            noVersion.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            noVersion.Headers.Add("Upload-Length", "10");
            Assert.Equal(HttpStatusCode.PreconditionFailed, (await _http.SendAsync(noVersion)).StatusCode);
        }

        using (var tooLong = await TusAsync(HttpMethod.Post, Uploads, token, r => r.Headers.Add("Upload-Length", (DocumentsServiceFixture.MaxFileBytes + 1).ToString(System.Globalization.CultureInfo.InvariantCulture))))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLong.StatusCode);
        }

        using (var badMetadata = await TusAsync(HttpMethod.Post, Uploads, token, r => { r.Headers.Add("Upload-Length", "10"); r.Headers.Add("Upload-Metadata", "filename %%%"); }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badMetadata.StatusCode);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await TusAsync(HttpMethod.Head, location, other)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await PatchAsync(location, other, 0, new ByteArrayContent(content))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await TusAsync(HttpMethod.Delete, location, other)).StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await PatchAsync(location, token, 0, new ByteArrayContent(content), "application/json")).StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await PatchAsync(location, token, 0, new ByteArrayContent([.. content, .. content]))).StatusCode);
        Assert.Equal(0, await OffsetAsync(location, token));

        using var done = await PatchAsync(location, token, 0, new ByteArrayContent(content));
        Assert.Equal(HttpStatusCode.NoContent, done.StatusCode);
        var documentPath = done.Headers.GetValues("Efa-Document-Location").Single();
        Assert.Equal("passwd.pdf", (await DocumentAsync(token, documentPath[(documentPath.LastIndexOf('/') + 1)..])).GetProperty("fileName").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await PatchAsync(location, token, content.Length, new ByteArrayContent([1]))).StatusCode);
    }

    [Fact]
    public async Task An_upload_whose_content_is_not_accepted_is_refused_when_it_completes_and_an_expired_one_is_gone_and_swept()
    {
        var token = fixture.CitizenToken($"citizen-{Guid.NewGuid():N}");
        var executable = new byte[5000];
        "MZ"u8.CopyTo(executable);
        var location = await CreateAsync(token, executable.Length, "Antrag.pdf");
        using var refused = await PatchAsync(location, token, 0, new ByteArrayContent(executable));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, refused.StatusCode);
        Assert.Equal(0, await DocumentCountAsync(token));

        var expiring = await CreateAsync(token, 1000);
        using (var part = await PatchAsync(expiring, token, 0, new ByteArrayContent(Pdf(500))))
        {
            Assert.Equal(HttpStatusCode.NoContent, part.StatusCode);
        }

        var uploadId = Guid.Parse(expiring[(expiring.LastIndexOf('/') + 1)..]);
        await using (var connection = new NpgsqlConnection(fixture.DatabaseConnectionString))
        {
            await connection.OpenAsync();
            await using var expire = new NpgsqlCommand("update resumable_uploads set expires_at = now() - interval '1 minute' where upload_id = $1", connection);
            expire.Parameters.AddWithValue(uploadId);
            await expire.ExecuteNonQueryAsync();
        }

        Assert.Equal(HttpStatusCode.Gone, (await TusAsync(HttpMethod.Head, expiring, token)).StatusCode);
        var bytes = Path.Combine(fixture.StoragePath, "uploads", $"{uploadId:N}.bin");
        Assert.True(File.Exists(bytes));
        await fixture.SweepAsync(unattachedRetention: TimeSpan.FromDays(1));
        Assert.False(File.Exists(bytes), "the sweeper removed the expired upload's bytes");
        Assert.Equal(HttpStatusCode.NotFound, (await TusAsync(HttpMethod.Head, expiring, token)).StatusCode);
    }

    /// <summary>Sends <c>breakAfter</c> bytes, then breaks the request off as a dropped connection would.</summary>
    private sealed class BreakingStream(ReadOnlyMemory<byte> content, int breakAfter, CancellationTokenSource breaking) : ReadOnlyStream
    {
        private int _position;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position >= breakAfter)
            {
                await Task.Delay(300, CancellationToken.None); // let the service write what it received
                breaking.Cancel();
                throw new IOException("The connection broke.");
            }

            var n = Math.Min(Math.Min(buffer.Length, 64 * 1024), breakAfter - _position);
            content.Slice(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    }
}
