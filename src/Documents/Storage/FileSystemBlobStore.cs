using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace EfaPlatform.Documents.Storage;

/// <summary>
/// Content in the file system, addressed by its SHA-256 (<c>ab/cd/abcd…</c>). A file is streamed into a temporary file
/// in the same folder tree (never held whole in memory), flushed to disk, then renamed into place in one step, so that
/// a crash leaves either the whole content under its name or a temporary file, never a part under a content name.
/// Temporary files of crashed uploads are deleted by <see cref="DeleteStaleTemporaryFiles"/>; infected content is moved
/// to <c>quarantine/</c>, where nothing is ever served from.
/// </summary>
public sealed partial class FileSystemBlobStore(IOptions<DocumentsOptions> options, TimeProvider clock) : IBlobStore
{
    public const int HeadLength = 64;
    private const int BufferSize = 81920;

    private string Root => options.Value.StoragePath;

    private string TemporaryFolder => Path.Combine(Root, "tmp");


    public async Task<StagedBlob> StageAsync(Stream content, long maxBytes, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(TemporaryFolder);
        var path = Path.Combine(TemporaryFolder, $"{Guid.CreateVersion7():N}.part");
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var head = new byte[HeadLength];
            var headLength = 0;
            long size = 0;
            await using (var file = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 0,
                Options = FileOptions.Asynchronous, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            }))
            {
                var buffer = new byte[BufferSize];
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    size += read;
                    if (size > maxBytes)
                    {
                        throw new BlobTooLargeException(maxBytes);
                    }

                    var toHead = Math.Min(read, HeadLength - headLength);
                    buffer.AsSpan(0, toHead).CopyTo(head.AsSpan(headLength));
                    headLength += toHead;
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }

                file.Flush(flushToDisk: true);
            }

            return new StagedBlob(path, Convert.ToHexStringLower(hash.GetHashAndReset()), size, head[..headLength]);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    public void Commit(StagedBlob staged) => MoveInto(staged, PathOf(staged.Sha256));

    public void Quarantine(StagedBlob staged) => MoveInto(staged, QuarantinePathOf(staged.Sha256));

    public void Quarantine(string sha256)
    {
        var source = PathOf(sha256);
        if (File.Exists(source))
        {
            var target = QuarantinePathOf(sha256);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Move(source, target, overwrite: true);
            SyncDirectory(Path.GetDirectoryName(target)!);
        }
    }

    private DateTime UtcNow => clock.GetUtcNow().UtcDateTime;

    private void MoveInto(StagedBlob staged, string target)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        if (File.Exists(target))
        {
            // The same content again: kept once, and marked as just committed so that the sweeper leaves it alone.
            File.SetLastWriteTimeUtc(target, UtcNow);
            File.Delete(staged.TemporaryPath);
            return;
        }

        File.Move(staged.TemporaryPath, target, overwrite: true);
        SyncDirectory(Path.GetDirectoryName(target)!);
    }

    /// <summary>
    /// Makes a rename in <paramref name="folder"/> durable: without it, a power loss after the rename (and after the
    /// metadata row is committed) could bring back a folder without the file. .NET cannot open a folder, so libc does it.
    /// </summary>
    private static void SyncDirectory(string folder)
    {
        const int ReadOnlyDirectory = 0x10000; // O_RDONLY | O_DIRECTORY on Linux
        var descriptor = Native.Open(folder, ReadOnlyDirectory);
        if (descriptor < 0)
        {
            throw new IOException($"Cannot open {folder} to flush it (errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Native.Fsync(descriptor) != 0)
            {
                throw new IOException($"Cannot flush {folder} (errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Native.Close(descriptor);
        }
    }

    public void Discard(StagedBlob staged) => File.Delete(staged.TemporaryPath);

    public Stream OpenRead(string sha256) => OpenFile(PathOf(sha256));

    public Stream OpenStaged(StagedBlob staged) => OpenFile(staged.TemporaryPath);

    private static FileStream OpenFile(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);

    public void Delete(string sha256) => File.Delete(PathOf(sha256));

    public IEnumerable<(string Sha256, DateTime WrittenAtUtc)> ListContent()
    {
        foreach (var folder in new[] { Path.Combine(Root, "sha256"), Path.Combine(Root, "quarantine") }.Where(Directory.Exists))
        {
            foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
            {
                var name = Path.GetFileName(file);
                if (name.Length == 64 && name.All(Uri.IsHexDigit))
                {
                    yield return (name, File.GetLastWriteTimeUtc(file));
                }
            }
        }
    }

    public async Task<bool> RemoveUnreferencedAsync(string sha256, TimeSpan grace, Func<CancellationToken, Task<bool>> isReferenced, CancellationToken cancellationToken)
    {
        var removed = false;
        foreach (var path in new[] { PathOf(sha256), QuarantinePathOf(sha256) }.Where(File.Exists))
        {
            Directory.CreateDirectory(TemporaryFolder);
            var aside = Path.Combine(TemporaryFolder, $"{sha256}.{Guid.NewGuid():N}.removing");
            try
            {
                File.Move(path, aside);
            }
            catch (FileNotFoundException)
            {
                continue;
            }

            if (File.GetLastWriteTimeUtc(aside) > UtcNow - grace || await isReferenced(cancellationToken))
            {
                // Committed again meanwhile (or a document appeared): back in place, unless a new commit put it there already.
                if (!File.Exists(path))
                {
                    File.Move(aside, path);
                    SyncDirectory(Path.GetDirectoryName(path)!);
                    continue;
                }
            }
            else
            {
                removed = true;
            }

            File.Delete(aside);
        }

        return removed;
    }

    public int DeleteStaleTemporaryFiles(TimeSpan age)
    {
        var stale = Directory.Exists(TemporaryFolder)
            ? Directory.EnumerateFiles(TemporaryFolder, "*.part").Where(f => File.GetLastWriteTimeUtc(f) < UtcNow - age).ToList()
            : [];
        stale.ForEach(File.Delete);
        return stale.Count;
    }

    public void RecoverInterruptedRemovals()
    {
        if (!Directory.Exists(TemporaryFolder))
        {
            return;
        }

        foreach (var aside in Directory.EnumerateFiles(TemporaryFolder, "*.removing"))
        {
            var target = PathOf(Path.GetFileName(aside)[..64]);
            if (File.Exists(target))
            {
                File.Delete(aside);
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Move(aside, target);
        }
    }

    private string PathOf(string sha256) => Path.Combine(Root, "sha256", Checked(sha256)[..2], sha256[2..4], sha256);

    private string QuarantinePathOf(string sha256) => Path.Combine(Root, "quarantine", Checked(sha256));

    private static string Checked(string sha256) =>
        sha256.Length == 64 && sha256.All(Uri.IsHexDigit) ? sha256 : throw new ArgumentException("Not a SHA-256 in hex.", nameof(sha256));
}

internal static partial class Native
{
    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = System.Runtime.InteropServices.StringMarshalling.Utf8)]
    internal static partial int Open(string path, int flags);

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    internal static partial int Fsync(int descriptor);

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int descriptor);
}
