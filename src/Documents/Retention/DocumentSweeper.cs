using EfaPlatform.Documents.Storage;
using EfaPlatform.Documents.Uploads;
using Microsoft.Extensions.Options;

namespace EfaPlatform.Documents.Retention;

public sealed record SweepResult(int AttachmentsEnded, int UnattachedDeleted, int ReservationsEnded, int UploadsExpired, int ContentsRemoved, int TemporaryFilesRemoved);

/// <summary>
/// Keeps storage to what the documents' rows own: ends attachments whose submission was closed longer ago than the
/// tenant's retention period, deletes uploads attached to nothing after
/// <see cref="DocumentsOptions.UnattachedRetention"/>, ends holds that ran out, removes content no row refers to (what
/// a deletion or a crash between storing content and its row left) and temporary files of uploads that died.
/// Run by <see cref="SweeperService"/> every <see cref="DocumentsOptions.SweepInterval"/> and by the `sweep` command.
/// </summary>
public sealed partial class DocumentSweeper(RetentionStore store, ResumableUploadStore uploads, IBlobStore blobs, IOptions<DocumentsOptions> options, TimeProvider clock, ILogger<DocumentSweeper> logger)
{
    private const int Batch = 500;

    public async Task<SweepResult> SweepAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow();
        blobs.RecoverInterruptedRemovals();
        var attachmentsEnded = await store.DeleteExpiredAttachmentsAsync(now, settings.AttachedRetention, cancellationToken);
        var unattached = await store.DeleteUnattachedAsync(now - settings.UnattachedRetention, now, cancellationToken);
        var reservations = await store.DeleteExpiredReservationsAsync(now, cancellationToken);
        var expiredUploads = await RemoveExpiredUploadsAsync(now, settings.SweepGrace, cancellationToken);
        var removed = 0;
        foreach (var chunk in blobs.ListContent().Where(c => c.WrittenAtUtc < now.UtcDateTime - settings.SweepGrace).Select(c => c.Sha256).Chunk(Batch))
        {
            var referenced = await store.ReferencedAsync(chunk, cancellationToken);
            foreach (var sha256 in chunk.Where(c => !referenced.Contains(c)))
            {
                var isReferenced = async (CancellationToken token) => (await store.ReferencedAsync([sha256], token)).Count > 0;
                removed += await blobs.RemoveUnreferencedAsync(sha256, settings.SweepGrace, isReferenced, cancellationToken) ? 1 : 0;
            }
        }

        var temporary = blobs.DeleteStaleTemporaryFiles(settings.SweepGrace);
        var result = new SweepResult(attachmentsEnded, unattached, reservations, expiredUploads, removed, temporary);
        LogSwept(logger, result.AttachmentsEnded, result.UnattachedDeleted, result.ReservationsEnded, result.UploadsExpired, result.ContentsRemoved, result.TemporaryFilesRemoved);
        return result;
    }

    /// <summary>Expired resumable uploads, and bytes of uploads no row knows (the row went, its file did not).</summary>
    private async Task<int> RemoveExpiredUploadsAsync(DateTimeOffset now, TimeSpan grace, CancellationToken cancellationToken)
    {
        var expired = await uploads.DeleteExpiredAsync(now, cancellationToken);
        foreach (var id in expired)
        {
            blobs.DeleteUpload(id);
        }

        var stale = blobs.ListUploads().Where(u => u.WrittenAtUtc < now.UtcDateTime - grace).Select(u => u.UploadId).ToList();
        var known = await uploads.ExistingAsync(stale, cancellationToken);
        foreach (var id in stale.Where(id => !known.Contains(id)))
        {
            blobs.DeleteUpload(id);
        }

        return expired.Count;
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Sweep: {Attachments} attachments past their retention ended, {Unattached} unattached uploads deleted, {Reservations} holds ended, {Uploads} resumable uploads expired, {Contents} unreferenced contents and {Temporary} temporary files removed")]
    private static partial void LogSwept(ILogger logger, int attachments, int unattached, int reservations, int uploads, int contents, int temporary);
}

/// <summary>Runs the sweeper on a timer; a failed round is logged and tried again at the next tick.</summary>
public sealed partial class SweeperService(DocumentSweeper sweeper, IOptions<DocumentsOptions> options, TimeProvider clock, ILogger<SweeperService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await sweeper.SweepAsync(stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                LogSweepFailed(logger, exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A sweep failed; it is tried again at the next interval")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
