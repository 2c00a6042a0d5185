using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using EfaPlatform.Contracts.Documents.V1;
using EfaPlatform.TestInfrastructure;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace EfaPlatform.Bench;

/// <summary>
/// File transfer speed of the documents service, straight to it and through the gateway, over HTTP and gRPC, beside a
/// plain file copy with dd on the same disk in the same run; and the peak memory of documents and gateway meanwhile.
/// An upload's time includes hashing, flushing to disk and the malware scan (clamd), as a citizen waits for all three.
/// </summary>
internal static class DocumentsBenchmark
{
    private const int Chunk = 1024 * 1024;

    public static async Task RunAsync(int megabytes)
    {
        var size = (long)megabytes * Chunk;
        // Children of the AppHost inherit it: the documents service accepts files this large for the run.
        Environment.SetEnvironmentVariable("Documents__MaxFileBytes", (size + Chunk).ToString(CultureInfo.InvariantCulture));
        await using var platform = await PlatformProcess.StartAsync(["--Logging:LogLevel:Default=Warning"]);
        var gateway = await platform.EndpointAsync("gateway", "http");
        var gatewayGrpc = await platform.EndpointAsync("gateway", "grpc");
        var direct = await platform.EndpointAsync("documents", "http");
        var directGrpc = await platform.EndpointAsync("documents", "grpc");
        using var oidc = new OidcClient(gateway);
        var token = (await oidc.SignInWithDevelopmentEidAsync("dev-erika-mustermann")).Body.GetProperty("access_token").GetString()!;
        var documentsPid = (await platform.ResourceAsync("documents")).GetProperty("processId").GetInt32();
        var gatewayPid = (await platform.ResourceAsync("gateway")).GetProperty("processId").GetInt32();

        Console.WriteLine($"documents: {megabytes} MiB per transfer, one at a time, storage in {platform.DataDirectory}");
        Console.WriteLine($"  {"dd copy of a file (conv=fsync)",-44} {Rate(size, DdCopy(platform.DataDirectory, megabytes))}");
        Console.WriteLine($"  {"SHA-256 alone (in this process)",-44} {Rate(size, HashAlone(size))}");
        var clamav = (await platform.EndpointAsync("clamav", "tcp"))["tcp://".Length..];
        Console.WriteLine($"  {"clamd INSTREAM scan alone",-44} {Rate(size, await ScanAloneAsync(clamav, size))}");
        await UploadHttpAsync(direct, token, Chunk); // warm-up
        foreach (var (name, url) in new[] { ("straight to documents", direct), ("through the gateway", gateway) })
        {
            var (uploadTime, id) = await UploadHttpAsync(url, token, size);
            Console.WriteLine($"  {"HTTP upload " + name,-44} {Rate(size, uploadTime)}");
            Console.WriteLine($"  {"HTTP download " + name,-44} {Rate(size, await DownloadHttpAsync(url, token, id))}");
        }

        foreach (var (name, url) in new[] { ("straight to documents", directGrpc), ("through the gateway", gatewayGrpc) })
        {
            var (uploadTime, id) = await UploadGrpcAsync(url, token, size);
            Console.WriteLine($"  {"gRPC upload " + name,-44} {Rate(size, uploadTime)}");
            Console.WriteLine($"  {"gRPC download " + name,-44} {Rate(size, await DownloadGrpcAsync(url, token, id))}");
        }

        Console.WriteLine($"  peak resident memory: documents {PeakMiB(documentsPid)} MiB, gateway {PeakMiB(gatewayPid)} MiB");
    }

    private static TimeSpan DdCopy(string folder, int megabytes)
    {
        var source = Path.Combine(folder, "dd-source.bin");
        var target = Path.Combine(folder, "dd-target.bin");
        using (var file = File.Create(source))
        {
            var block = new byte[Chunk];
            for (var i = 0; i < megabytes; i++)
            {
                Random.Shared.NextBytes(block);
                file.Write(block);
            }
        }

        var clock = Stopwatch.StartNew();
        using var dd = Process.Start(new ProcessStartInfo("dd", [$"if={source}", $"of={target}", "bs=1M", "conv=fsync"]) { RedirectStandardError = true })!;
        dd.StandardError.ReadToEnd();
        dd.WaitForExit();
        var elapsed = clock.Elapsed;
        File.Delete(source);
        File.Delete(target);
        return elapsed;
    }

    private static TimeSpan HashAlone(long size)
    {
        var clock = Stopwatch.StartNew();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var block = new byte[Chunk];
        RandomNumberGenerator.Fill(block);
        for (long done = 0; done < size; done += Chunk)
        {
            hash.AppendData(block);
        }

        hash.GetHashAndReset();
        return clock.Elapsed;
    }

    /// <summary>What clamd alone takes for the content, over INSTREAM as the service sends it.</summary>
    private static async Task<TimeSpan> ScanAloneAsync(string address, long size)
    {
        var separator = address.LastIndexOf(':');
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(address[..separator], int.Parse(address[(separator + 1)..], CultureInfo.InvariantCulture));
        var stream = client.GetStream();
        await using var source = new PdfStream(size);
        var clock = Stopwatch.StartNew();
        await stream.WriteAsync("zINSTREAM\0"u8.ToArray());
        var buffer = new byte[4 + 65536];
        int read;
        while ((read = await source.ReadAsync(buffer.AsMemory(4, 65536))) > 0)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(buffer, read);
            await stream.WriteAsync(buffer.AsMemory(0, 4 + read));
        }

        await stream.WriteAsync(new byte[4]);
        _ = await stream.ReadAsync(new byte[256]);
        return clock.Elapsed;
    }

    private static async Task<(TimeSpan Elapsed, string DocumentId)> UploadHttpAsync(string baseUrl, string token, long size)
    {
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var content = new StreamContent(new PdfStream(size), Chunk);
        content.Headers.ContentLength = size;
        var clock = Stopwatch.StartNew();
        using var response = await http.PostAsync("/api/documents/v1/uploads?fileName=gross.pdf", content);
        var elapsed = clock.Elapsed;
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return response.IsSuccessStatusCode ? (elapsed, body.GetProperty("documentId").GetString()!) : throw new InvalidOperationException(body.ToString());
    }

    private static async Task<TimeSpan> DownloadHttpAsync(string baseUrl, string token, string documentId)
    {
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var clock = Stopwatch.StartNew();
        using var response = await http.GetAsync($"/api/documents/v1/documents/{documentId}/content", HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        await stream.CopyToAsync(Stream.Null, Chunk);
        return clock.Elapsed;
    }

    private static async Task<(TimeSpan Elapsed, string DocumentId)> UploadGrpcAsync(string url, string token, long size)
    {
        using var channel = GrpcChannel.ForAddress(url);
        var client = new DocumentTransfers.DocumentTransfersClient(channel);
        var clock = Stopwatch.StartNew();
        using var call = client.UploadDocument(new Metadata { { "authorization", $"Bearer {token}" } });
        await call.RequestStream.WriteAsync(new UploadDocumentRequest { Metadata = new UploadMetadata { FileName = "gross.pdf", SizeBytes = size } });
        await using var source = new PdfStream(size);
        var buffer = new byte[Chunk];
        int read;
        while ((read = await source.ReadAsync(buffer)) > 0)
        {
            await call.RequestStream.WriteAsync(new UploadDocumentRequest { Chunk = UnsafeByteOperations.UnsafeWrap(buffer.AsMemory(0, read)) });
        }

        await call.RequestStream.CompleteAsync();
        var document = await call;
        return (clock.Elapsed, document.DocumentId);
    }

    private static async Task<TimeSpan> DownloadGrpcAsync(string url, string token, string documentId)
    {
        using var channel = GrpcChannel.ForAddress(url);
        var client = new DocumentTransfers.DocumentTransfersClient(channel);
        var clock = Stopwatch.StartNew();
        using var call = client.DownloadDocument(new DownloadDocumentRequest { DocumentId = documentId }, new Metadata { { "authorization", $"Bearer {token}" } });
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
        }

        return clock.Elapsed;
    }

    private static string Rate(long bytes, TimeSpan elapsed) =>
        string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0 / elapsed.TotalSeconds,7:0} MiB/s ({elapsed.TotalSeconds:0.0} s)");

    private static long PeakMiB(int processId) =>
        long.Parse(File.ReadLines($"/proc/{processId}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;

    /// <summary>A PDF-looking stream of random bytes made as it is read.</summary>
    private sealed class PdfStream(long size) : Stream
    {
        private long _position;

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, size - _position);
            if (n <= 0)
            {
                return 0;
            }

            RandomNumberGenerator.Fill(buffer.AsSpan(offset, n));
            if (_position == 0)
            {
                "%PDF-1.7\n"u8.CopyTo(buffer.AsSpan(offset));
            }

            _position += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => size;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
