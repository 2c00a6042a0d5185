using EfaPlatform.Documents.Storage;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using EfaPlatform.AppHost.Hosting;
using EfaPlatform.TestInfrastructure;
using Npgsql;

namespace EfaPlatform.Documents.Tests;

/// <summary>Retention of unattached uploads, and storage that holds only what rows own, after crashes too.</summary>
[Collection(DocumentsServiceCollection.Name)]
public sealed class SweeperTests(DocumentsServiceFixture fixture, ITestOutputHelper output) : DocumentsApi(fixture.HttpUrl)
{
    private string ContentPath(string sha256) => Path.Combine(fixture.StoragePath, "sha256", sha256[..2], sha256[2..4], sha256);

    [Fact]
    public async Task An_upload_attached_to_nothing_is_deleted_after_the_retention_and_its_content_with_it_while_attached_ones_stay()
    {
        var owner = fixture.CitizenToken($"citizen-{Guid.NewGuid():N}");
        var unattachedContent = Pdf();
        var (_, unattached, _) = await UploadAsync(owner, new ByteArrayContent(unattachedContent), "liegen-gelassen.pdf");
        var (_, attached, _) = await UploadAsync(owner, new ByteArrayContent(Pdf()), "eingereicht.pdf");
        await Attaching.AttachAsync(fixture, owner, attached.GetProperty("documentId").GetString()!, Guid.NewGuid().ToString());

        await fixture.SweepAsync(unattachedRetention: TimeSpan.Zero);

        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync($"/api/documents/v1/documents/{unattached.GetProperty("documentId").GetString()}", owner)).StatusCode);
        Assert.False(File.Exists(ContentPath(Convert.ToHexStringLower(SHA256.HashData(unattachedContent)))), "the content went with its last document");
        using var kept = await GetAsync($"/api/documents/v1/documents/{attached.GetProperty("documentId").GetString()}/content", owner);
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
    }

    [Fact]
    public async Task A_service_killed_in_the_middle_of_an_upload_shows_no_half_file_and_the_sweeper_leaves_no_orphan()
    {
        var owner = fixture.CitizenToken($"citizen-{Guid.NewGuid():N}");
        var body = new StallingPdfStream(stallAfter: 8 * 1024 * 1024);
        var upload = UploadAsync(owner, new ChunkedContent(new StreamContent(body)), "abgebrochen.pdf");
        await body.Stalled.WaitAsync(TimeSpan.FromSeconds(30));
        await Eventually.WaitAsync(() => Task.FromResult(PartFiles().Any(f => new FileInfo(f).Length > 4 * 1024 * 1024)),
            TimeSpan.FromSeconds(30), "the first megabytes are on disk");

        var killed = fixture.ProcessId;
        Assert.Equal(0, ChildProcess.SignalProcess(killed, 9));
        body.Release();
        await Assert.ThrowsAnyAsync<Exception>(() => upload);
        await Eventually.WaitAsync(() => Task.FromResult(fixture.ProcessId != killed), TimeSpan.FromSeconds(30), "the supervisor restarts the service");
        await fixture.WaitUntilHealthyAsync();

        Assert.Equal(0, await DocumentCountAsync(owner));
        output.WriteLine($"left by the crash: {string.Join(", ", PartFiles().Select(f => $"{Path.GetFileName(f)} ({new FileInfo(f).Length} bytes)"))}");
        Assert.NotEmpty(PartFiles());
        await fixture.SweepAsync(unattachedRetention: TimeSpan.FromDays(1));
        Assert.Empty(PartFiles());
        Assert.Empty(await UnreferencedContentsAsync());
    }

    private IEnumerable<string> PartFiles()
    {
        var folder = Path.Combine(fixture.StoragePath, "tmp");
        return Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*.part").ToList() : [];
    }

    private async Task<List<string>> UnreferencedContentsAsync()
    {
        var folder = Path.Combine(fixture.StoragePath, "sha256");
        var stored = Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToList() : [];
        await using var connection = new NpgsqlConnection(fixture.DatabaseConnectionString);
        await connection.OpenAsync();
        await using var select = new NpgsqlCommand("select distinct sha256 from documents", connection);
        var referenced = new HashSet<string>();
        await using var reader = await select.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            referenced.Add(reader.GetString(0));
        }

        return stored.Where(s => !referenced.Contains(s!)).Select(s => s!).ToList();
    }

    /// <summary>A PDF-looking body that stops after <c>stallAfter</c> bytes until released, then fails: a client whose connection breaks.</summary>
    private sealed class StallingPdfStream(long stallAfter) : ReadOnlyStream
    {
        private readonly TaskCompletionSource _stalled = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _position;

        public Task Stalled => _stalled.Task;

        public void Release() => _released.TrySetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position >= stallAfter)
            {
                _stalled.TrySetResult();
                await _released.Task.WaitAsync(cancellationToken);
                throw new IOException("The connection broke.");
            }

            var n = (int)Math.Min(buffer.Length, stallAfter - _position);
            Random.Shared.NextBytes(buffer.Span[..n]);
            if (_position == 0)
            {
                "%PDF-1.7\n"u8.CopyTo(buffer.Span);
            }

            _position += n;
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    }
}
