using EfaPlatform.TestInfrastructure;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using EfaPlatform.Contracts.Documents.V1;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace EfaPlatform.Documents.Tests;

/// <summary>200 MB up and down, over HTTP and over gRPC, with the service's memory watched: files stream, they are never held.</summary>
[Collection(DocumentsServiceCollection.Name)]
public sealed class LargeFileTests(DocumentsServiceFixture fixture, ITestOutputHelper output) : DocumentsApi(fixture.HttpUrl)
{
    private const long Size = 200L * 1000 * 1000;

    /// <summary>The most the peak may grow over a transfer: a quarter of the file; held whole, it would grow by all of it.</summary>
    private const long AllowedGrowth = 48L * 1024 * 1024;

    [Fact]
    public async Task A_200_MB_file_goes_up_and_down_over_HTTP_with_flat_memory()
    {
        var token = fixture.CitizenToken($"citizen-{Guid.NewGuid():N}");
        var before = StartPeak();
        using var uploadHash = SHA256.Create();
        var (status, document, _) = await UploadAsync(token, new ChunkedContent(new StreamContent(new GeneratedPdfStream(Size, uploadHash))), "gross.pdf");
        var afterUpload = PeakWorkingSet();
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(Convert.ToHexStringLower(uploadHash.Hash!), document.GetProperty("sha256").GetString());

        using var download = await _http.SendAsync(Get($"/api/documents/v1/documents/{document.GetProperty("documentId").GetString()}/content", token),
            HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        var downloaded = await SHA256.HashDataAsync(await download.Content.ReadAsStreamAsync());
        var afterDownload = PeakWorkingSet();

        Report("HTTP", before, afterUpload, afterDownload);
        Assert.Equal(uploadHash.Hash, downloaded);
        Assert.True(afterDownload - before < AllowedGrowth, $"peak memory grew by {(afterDownload - before) / 1048576} MiB");
    }

    [Fact]
    public async Task A_200_MB_file_goes_up_and_down_over_gRPC_streams_with_flat_memory()
    {
        var token = fixture.CitizenToken($"citizen-{Guid.NewGuid():N}");
        using var channel = GrpcChannel.ForAddress(fixture.GrpcUrl);
        var client = new DocumentTransfers.DocumentTransfersClient(channel);
        var headers = new Metadata { { "authorization", $"Bearer {token}" } };
        var before = StartPeak();

        using var upload = client.UploadDocument(headers, deadline: DateTime.UtcNow.AddMinutes(5));
        await upload.RequestStream.WriteAsync(new UploadDocumentRequest { Metadata = new UploadMetadata { FileName = "gross.pdf", SizeBytes = Size } });
        using var uploadHash = SHA256.Create();
        await using (var source = new GeneratedPdfStream(Size, uploadHash))
        {
            var chunk = new byte[1024 * 1024];
            int read;
            while ((read = await source.ReadAsync(chunk)) > 0)
            {
                await upload.RequestStream.WriteAsync(new UploadDocumentRequest { Chunk = ByteString.CopyFrom(chunk, 0, read) });
            }
        }

        await upload.RequestStream.CompleteAsync();
        var document = await upload;
        var afterUpload = PeakWorkingSet();
        Assert.Equal(Convert.ToHexStringLower(uploadHash.Hash!), document.Sha256);
        Assert.Equal(Size, document.SizeBytes);

        using var download = client.DownloadDocument(new DownloadDocumentRequest { DocumentId = document.DocumentId }, headers, deadline: DateTime.UtcNow.AddMinutes(5));
        using var downloadHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Assert.True(await download.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(document.DocumentId, download.ResponseStream.Current.Document.DocumentId);
        long received = 0;
        while (await download.ResponseStream.MoveNext(CancellationToken.None))
        {
            downloadHash.AppendData(download.ResponseStream.Current.Chunk.Span);
            received += download.ResponseStream.Current.Chunk.Length;
        }

        var afterDownload = PeakWorkingSet();
        Report("gRPC", before, afterUpload, afterDownload);
        Assert.Equal(Size, received);
        Assert.Equal(uploadHash.Hash, downloadHash.GetHashAndReset());
        Assert.True(afterDownload - before < AllowedGrowth, $"peak memory grew by {(afterDownload - before) / 1048576} MiB");
    }

    [Fact]
    public async Task gRPC_uploads_and_downloads_are_refused_like_HTTP_ones()
    {
        var owner = fixture.CitizenToken($"citizen-{Guid.NewGuid():N}");
        var other = fixture.CitizenToken($"citizen-{Guid.NewGuid():N}");
        using var channel = GrpcChannel.ForAddress(fixture.GrpcUrl);
        var client = new DocumentTransfers.DocumentTransfersClient(channel);

        async Task<StatusCode> UploadAsync(string token, UploadDocumentRequest[] messages)
        {
            using var call = client.UploadDocument(new Metadata { { "authorization", $"Bearer {token}" } }, deadline: DateTime.UtcNow.AddSeconds(30));
            try
            {
                foreach (var message in messages)
                {
                    await call.RequestStream.WriteAsync(message);
                }

                await call.RequestStream.CompleteAsync();
                await call;
                return StatusCode.OK;
            }
            catch (RpcException exception)
            {
                return exception.StatusCode;
            }
        }

        var pdf = ByteString.CopyFrom(Pdf());
        Assert.Equal(StatusCode.InvalidArgument, await UploadAsync(owner, [new() { Chunk = pdf }]));
        Assert.Equal(StatusCode.InvalidArgument, await UploadAsync(owner, [new() { Metadata = new() { FileName = "a.pdf" } }, new() { Metadata = new() }]));
        Assert.Equal(StatusCode.InvalidArgument, await UploadAsync(owner, [new() { Metadata = new() { FileName = "a.pdf" } }, new() { Chunk = ByteString.CopyFrom(InfectedPdf()) }]));
        Assert.Equal(StatusCode.InvalidArgument, await UploadAsync(owner, [new() { Metadata = new() { FileName = "a\u0001.pdf" } }, new() { Chunk = pdf }]));
        Assert.Equal(StatusCode.ResourceExhausted, await UploadAsync(owner, [new() { Metadata = new() { FileName = "a.pdf", SizeBytes = DocumentsServiceFixture.MaxFileBytes + 1 } }]));
        // The same uploaders as over HTTP: a municipality's staff, not an operator.
        var staff = fixture.Issuer.Issue(TestIssuer.Person($"staff-{Guid.NewGuid():N}", tenant: Guid.NewGuid().ToString(), role: "caseworker"));
        Assert.Equal(StatusCode.OK, await UploadAsync(staff, [new() { Metadata = new() { FileName = "Bescheid.pdf" } }, new() { Chunk = pdf }]));
        var operatorToken = fixture.Issuer.Issue(TestIssuer.Person("operator-1", role: "platform-admin"));
        Assert.Equal(StatusCode.PermissionDenied, await UploadAsync(operatorToken, [new() { Metadata = new() { FileName = "a.pdf" } }, new() { Chunk = pdf }]));

        using var stored = client.UploadDocument(new Metadata { { "authorization", $"Bearer {owner}" } });
        await stored.RequestStream.WriteAsync(new() { Metadata = new() { FileName = "a.pdf" } });
        await stored.RequestStream.WriteAsync(new() { Chunk = pdf });
        await stored.RequestStream.CompleteAsync();
        var document = await stored;

        async Task<StatusCode> DownloadAsync(string token, long offset = 0)
        {
            using var call = client.DownloadDocument(new DownloadDocumentRequest { DocumentId = document.DocumentId, Offset = offset },
                new Metadata { { "authorization", $"Bearer {token}" } }, deadline: DateTime.UtcNow.AddSeconds(30));
            try
            {
                while (await call.ResponseStream.MoveNext(CancellationToken.None))
                {
                }

                return StatusCode.OK;
            }
            catch (RpcException exception)
            {
                return exception.StatusCode;
            }
        }

        Assert.Equal(StatusCode.OK, await DownloadAsync(owner));
        Assert.Equal(StatusCode.NotFound, await DownloadAsync(other));
        Assert.Equal(StatusCode.OutOfRange, await DownloadAsync(owner, offset: pdf.Length + 1));
        // Nothing refused was stored, but the infected file, quarantined.
        Assert.Equal(["clean", "infected"], (await ListAsync(owner)).Select(d => d.GetProperty("status").GetString()).Order());
    }

    private HttpRequestMessage Get(string path, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private void Report(string transport, long before, long afterUpload, long afterDownload) =>
        output.WriteLine($"{transport}: documents resident {before / 1048576} MiB before, peak {afterUpload / 1048576} MiB over a " +
                         $"{Size / 1_000_000} MB upload, {afterDownload / 1048576} MiB over it and its download");

    /// <summary>
    /// Starts measuring the service's peak resident memory afresh (writing 5 to clear_refs resets VmHWM to the current
    /// resident size), so that an earlier test's peak cannot hide this transfer's; returns the resident size now.
    /// </summary>
    private long StartPeak()
    {
        File.WriteAllText($"/proc/{fixture.ProcessId}/clear_refs", "5");
        return ProcStatus("VmRSS:");
    }

    /// <summary>The service's peak resident memory since <see cref="StartPeak"/>.</summary>
    private long PeakWorkingSet() => ProcStatus("VmHWM:");

    private long ProcStatus(string field) =>
        long.Parse(File.ReadLines($"/proc/{fixture.ProcessId}/status").First(l => l.StartsWith(field, StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
}
