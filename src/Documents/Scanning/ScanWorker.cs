using EfaPlatform.Documents.Documents;
using EfaPlatform.Documents.Storage;
using Microsoft.Extensions.Options;

namespace EfaPlatform.Documents.Scanning;

/// <summary>
/// Scans what waits in pending_scan: uploads are scanned as they arrive, so this catches up on what came while the
/// scanner was down or the service stopped mid-way. Every instance may run it; a content scanned twice gets one verdict.
/// </summary>
public sealed partial class ScanWorker(
    DocumentStore documents, IBlobStore blobs, ClamdScanner scanner, IOptions<DocumentsOptions> options, TimeProvider clock, ILogger<ScanWorker> logger)
    : BackgroundService
{
    private const int Batch = 20;
    private bool _scannerWasDown;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ScanRetryInterval, clock);
        do
        {
            try
            {
                while (await ScanWaitingAsync(stoppingToken) == Batch)
                {
                }
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                LogScanRoundFailed(logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <returns>How many contents were scanned.</returns>
    private async Task<int> ScanWaitingAsync(CancellationToken cancellationToken)
    {
        var waiting = await documents.ListWaitingForScanAsync(Batch, cancellationToken);
        foreach (var sha256 in waiting)
        {
            ScanResult result;
            try
            {
                await using var content = blobs.OpenRead(sha256);
                result = await scanner.ScanAsync(content, cancellationToken);
            }
            catch (FileNotFoundException)
            {
                result = new ScanResult(ScanVerdict.Failed, "the content is missing from the blob store");
            }
            catch (ScannerUnavailableException exception)
            {
                if (!_scannerWasDown)
                {
                    LogScannerDown(logger, exception.Message, waiting.Count);
                }

                _scannerWasDown = true;
                return 0;
            }

            _scannerWasDown = false;
            await RecordAsync(sha256, result, cancellationToken);
        }

        return waiting.Count;
    }

    private async Task RecordAsync(string sha256, ScanResult result, CancellationToken cancellationToken)
    {
        // The verdict first: a crash before the move leaves an infected row whose content is never served anyway.
        await documents.RecordScanAsync(sha256, DocumentStatus.Of(result.Verdict), result.Detail, clock.GetUtcNow(), cancellationToken);
        if (result.Verdict == ScanVerdict.Infected)
        {
            blobs.Quarantine(sha256);
            LogInfected(logger, sha256, result.Detail);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The virus scanner is down ({Reason}); {Count} or more contents wait in pending_scan and are retried")]
    private static partial void LogScannerDown(ILogger logger, string reason, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Content {Sha256} is infected ({Threat}) and quarantined")]
    private static partial void LogInfected(ILogger logger, string sha256, string? threat);

    [LoggerMessage(Level = LogLevel.Error, Message = "A round of scanning waiting documents failed; it is tried again")]
    private static partial void LogScanRoundFailed(ILogger logger, Exception exception);
}
