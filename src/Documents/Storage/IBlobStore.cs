namespace EfaPlatform.Documents.Storage;

/// <summary>A file received into a temporary place, hashed, not yet visible: <see cref="IBlobStore.Commit"/> makes it so.</summary>
/// <param name="Head">The first bytes, for detecting the media type.</param>
public sealed record StagedBlob(string TemporaryPath, string Sha256, long Size, byte[] Head);

/// <summary>The content was longer than allowed; reading stopped at the limit.</summary>
public sealed class BlobTooLargeException(long limit) : Exception($"The file is larger than {limit} bytes.")
{
    public long Limit => limit;
}

/// <summary>
/// Where the content of documents is kept, addressed by SHA-256; the metadata is in PostgreSQL. Content is staged
/// first (streamed, hashed, not yet visible) and then committed under its hash, or quarantined when it is infected.
/// </summary>
public interface IBlobStore
{
    Task<StagedBlob> StageAsync(Stream content, long maxBytes, CancellationToken cancellationToken);

    /// <summary>Makes the staged content readable under its hash; content already stored (the same file again) is kept once.</summary>
    void Commit(StagedBlob staged);

    /// <summary>Puts staged content where nothing is served from.</summary>
    void Quarantine(StagedBlob staged);

    /// <summary>Moves stored content where nothing is served from (it turned out infected).</summary>
    void Quarantine(string sha256);

    void Discard(StagedBlob staged);

    Stream OpenRead(string sha256);

    Stream OpenStaged(StagedBlob staged);

    void Delete(string sha256);

    /// <summary>Temporary files older than <paramref name="age"/>: what uploads that died mid-way left behind.</summary>
    IEnumerable<string> StaleTemporaryFiles(TimeSpan age);
}
