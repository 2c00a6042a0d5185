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

    /// <summary>
    /// Appends to a resumable upload's bytes at <paramref name="offset"/> (bytes after it, not acknowledged, are dropped
    /// first) until <paramref name="content"/> ends or breaks off, and flushes to disk what arrived.
    /// </summary>
    /// <returns>How many bytes were appended; the bytes of a broken-off request count, as tus wants.</returns>
    /// <exception cref="BlobTooLargeException">More than <paramref name="maxBytes"/> came; nothing of this request is kept.</exception>
    Task<long> AppendAsync(Guid uploadId, long offset, Stream content, long maxBytes, CancellationToken cancellationToken);

    /// <summary>Turns a finished resumable upload into staged content (hashed), as if it had come in one request.</summary>
    Task<StagedBlob> StageUploadAsync(Guid uploadId, long length, CancellationToken cancellationToken);

    void DeleteUpload(Guid uploadId);

    /// <summary>The resumable uploads that have bytes, with when they were last written.</summary>
    IEnumerable<(Guid UploadId, DateTime WrittenAtUtc)> ListUploads();

    Stream OpenStaged(StagedBlob staged);

    void Delete(string sha256);

    /// <summary>Every stored content (quarantined ones too), with when it was last written or committed again.</summary>
    IEnumerable<(string Sha256, DateTime WrittenAtUtc)> ListContent();

    /// <summary>
    /// Removes a content no document refers to. Safe against an upload of the same content at this moment: the content
    /// is moved aside first and put back when it was committed again within <paramref name="grace"/> or
    /// <paramref name="isReferenced"/> now finds a document.
    /// </summary>
    /// <returns>Whether the content was removed.</returns>
    Task<bool> RemoveUnreferencedAsync(string sha256, TimeSpan grace, Func<CancellationToken, Task<bool>> isReferenced, CancellationToken cancellationToken);

    /// <summary>Puts back what a crash left moved aside by <see cref="RemoveUnreferencedAsync"/>; the next sweep decides again.</summary>
    void RecoverInterruptedRemovals();

    /// <summary>Deletes temporary files older than <paramref name="age"/>: what uploads that died mid-way left behind.</summary>
    /// <returns>How many were deleted.</returns>
    int DeleteStaleTemporaryFiles(TimeSpan age);
}
