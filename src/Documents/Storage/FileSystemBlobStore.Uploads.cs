using System.Security.Cryptography;

namespace EfaPlatform.Documents.Storage;

/// <summary>The bytes of resumable uploads, in <c>uploads/</c>, until a finished one is staged like any other file.</summary>
public sealed partial class FileSystemBlobStore
{
    private string UploadsFolder => Path.Combine(Root, "uploads");

    private string UploadPathOf(Guid uploadId) => Path.Combine(UploadsFolder, $"{uploadId:N}.bin");

    public async Task<long> AppendAsync(Guid uploadId, long offset, Stream content, long maxBytes, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(UploadsFolder);
        await using var file = new FileStream(UploadPathOf(uploadId), new FileStreamOptions
        {
            Mode = FileMode.OpenOrCreate, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 0,
            Options = FileOptions.Asynchronous, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        file.SetLength(offset);
        file.Position = offset;
        var buffer = new byte[BufferSize];
        long appended = 0;
        while (true)
        {
            int read;
            try
            {
                read = await content.ReadAsync(buffer, cancellationToken);
            }
            catch (Exception exception) when (exception is IOException or OperationCanceledException or InvalidDataException
                                                  or Microsoft.AspNetCore.Http.BadHttpRequestException)
            {
                break; // the client broke off: what arrived counts
            }

            if (read == 0)
            {
                break;
            }

            if (appended + read > maxBytes)
            {
                file.SetLength(offset);
                throw new BlobTooLargeException(maxBytes);
            }

            await file.WriteAsync(buffer.AsMemory(0, read), CancellationToken.None);
            appended += read;
        }

        file.Flush(flushToDisk: true);
        return appended;
    }

    public async Task<StagedBlob> StageUploadAsync(Guid uploadId, long length, CancellationToken cancellationToken)
    {
        StagedBlob staged;
        await using (var upload = OpenFile(UploadPathOf(uploadId)))
        {
            if (upload.Length < length)
            {
                throw new InvalidOperationException($"Upload {uploadId} has {upload.Length} of its {length} bytes.");
            }

            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var head = new byte[HeadLength];
            var headLength = await upload.ReadAtLeastAsync(head, HeadLength, throwOnEndOfStream: false, cancellationToken);
            upload.Position = 0;
            var buffer = new byte[BufferSize];
            long remaining = length;
            while (remaining > 0)
            {
                var read = await upload.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), cancellationToken);
                hash.AppendData(buffer, 0, read);
                remaining -= read;
            }

            staged = new StagedBlob(Path.Combine(TemporaryFolder, $"{uploadId:N}.part"), Convert.ToHexStringLower(hash.GetHashAndReset()), length,
                head[..(int)Math.Min(headLength, length)]);
        }

        Directory.CreateDirectory(TemporaryFolder);
        File.Move(UploadPathOf(uploadId), staged.TemporaryPath, overwrite: true);
        return staged;
    }

    public void DeleteUpload(Guid uploadId) => File.Delete(UploadPathOf(uploadId));

    public IEnumerable<(Guid UploadId, DateTime WrittenAtUtc)> ListUploads() =>
        Directory.Exists(UploadsFolder)
            ? Directory.EnumerateFiles(UploadsFolder, "*.bin")
                .Select(file => (Ok: Guid.TryParseExact(Path.GetFileNameWithoutExtension(file), "N", out var id), Id: id, File: file))
                .Where(upload => upload.Ok).Select(upload => (upload.Id, File.GetLastWriteTimeUtc(upload.File))).ToList()
            : [];
}
