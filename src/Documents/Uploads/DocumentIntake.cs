using EfaPlatform.Documents.Documents;
using EfaPlatform.Documents.Scanning;
using EfaPlatform.Documents.Storage;

namespace EfaPlatform.Documents.Uploads;

public enum RefusalReason
{
    Empty,
    MediaType,
    Infected,
}

public sealed record Refusal(RefusalReason Reason, string Detail);

/// <summary>The document stored, or why the file was refused; an infected file is stored (quarantined) and refused.</summary>
public sealed record IntakeResult(StoredDocument? Document, Refusal? Refusal);

/// <summary>
/// What every way of uploading (HTTP body, resumable upload, gRPC stream) does with a staged file: refuse an empty file
/// or one whose content is not an accepted kind or not what its name says, scan it, and store it as one of the owner's
/// documents. The scan runs right away; when the scanner is down the document waits in pending_scan for <see cref="ScanWorker"/>.
/// </summary>
public sealed partial class DocumentIntake(IBlobStore blobs, DocumentStore documents, ClamdScanner scanner, TimeProvider clock, ILogger<DocumentIntake> logger)
{
    public async Task<IntakeResult> AcceptAsync(StagedBlob staged, string ownerSubject, string fileName, CancellationToken cancellationToken)
    {
        var refusal = Check(staged, fileName);
        if (refusal is not null)
        {
            blobs.Discard(staged);
            return new IntakeResult(null, refusal);
        }

        var scan = await ScanAsync(staged, cancellationToken);
        var document = new StoredDocument(Guid.CreateVersion7(), ownerSubject, fileName, MediaTypes.Detect(staged.Head)!, staged.Size, staged.Sha256,
            scan is null ? DocumentStatus.PendingScan : DocumentStatus.Of(scan.Verdict), clock.GetUtcNow(),
            scan is null ? null : clock.GetUtcNow(), scan?.Detail);
        if (scan?.Verdict == ScanVerdict.Infected)
        {
            blobs.Quarantine(staged);
            LogInfected(logger, document.Id, scan.Detail);
        }
        else
        {
            // Content committed before its row: a crash in between leaves content no row owns, which the sweeper removes.
            blobs.Commit(staged);
        }

        await documents.AddAsync(document, cancellationToken);
        return document.Status == DocumentStatus.Infected
            ? new IntakeResult(document, new Refusal(RefusalReason.Infected,
                $"The file contains malware ({scan!.Detail}). It is quarantined and can never be downloaded or attached."))
            : new IntakeResult(document, null);
    }

    private async Task<ScanResult?> ScanAsync(StagedBlob staged, CancellationToken cancellationToken)
    {
        try
        {
            await using var content = blobs.OpenStaged(staged);
            return await scanner.ScanAsync(content, cancellationToken);
        }
        catch (ScannerUnavailableException exception)
        {
            LogScanDeferred(logger, exception.Message);
            return null;
        }
    }

    private static Refusal? Check(StagedBlob staged, string fileName)
    {
        if (staged.Size == 0)
        {
            return new Refusal(RefusalReason.Empty, "The file is empty.");
        }

        var detected = MediaTypes.Detect(staged.Head);
        if (detected is null || !MediaTypes.Accepted.Contains(detected))
        {
            return new Refusal(RefusalReason.MediaType,
                $"The content is {(detected is null ? "of no accepted kind" : detected)}; accepted are {string.Join(", ", MediaTypes.Accepted)}.");
        }

        return MediaTypes.ClaimedBy(fileName) is { } claimed && claimed != detected
            ? new Refusal(RefusalReason.MediaType, $"The name says {claimed}, but the content is {detected}.")
            : null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Document {DocumentId} is infected ({Threat}) and quarantined")]
    private static partial void LogInfected(ILogger logger, Guid documentId, string? threat);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An upload waits in pending_scan: {Reason}")]
    private static partial void LogScanDeferred(ILogger logger, string reason);
}
