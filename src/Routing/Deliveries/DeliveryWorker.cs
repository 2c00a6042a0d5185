using EfaPlatform.Messaging;
using EfaPlatform.Messaging.Outbox;
using EfaPlatform.Routing.Authorities;
using Microsoft.Extensions.Options;

namespace EfaPlatform.Routing.Deliveries;

/// <summary>
/// Attempts due deliveries, several at once: looks the responsible unit up anew each time (a directory change applies
/// to the next attempt), then delivers to its destination's channel. A failed push is tried again after an exponential
/// backoff with jitter, and parked once <see cref="RoutingOptions.MaxAttempts"/> attempts since the last re-drive have
/// failed. Instances share the work through the claim (FOR UPDATE SKIP LOCKED).
/// </summary>
public sealed partial class DeliveryWorker(
    DeliveryStore deliveries, ResponsibilityLookup lookup, TenantAreas tenantAreas, DirectoryStore directory, PushChannel push, EventOutbox outbox,
    IOptions<RoutingOptions> options, TimeProvider clock, ILogger<DeliveryWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        // Attempts run side by side up to Concurrency; a finished one makes room for the next claim at once, so one slow
        // destination does not hold up the others.
        var running = new List<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                running.RemoveAll(attempt => attempt.IsCompleted);
                var claimed = running.Count < settings.Concurrency
                    ? await deliveries.ClaimDueAsync(settings.Concurrency - running.Count, settings.AttemptLease, stoppingToken)
                    : [];
                running.AddRange(claimed.Select(attempt => AttemptAsync(attempt, stoppingToken)));
                if (claimed.Count == 0 || running.Count >= settings.Concurrency)
                {
                    // Nothing due (or no room): look again when an attempt ends or the scan interval has passed.
                    await Task.WhenAny([.. running, Task.Delay(settings.ScanInterval, clock, stoppingToken)]);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                LogScanFailed(logger, e);
                await Task.WhenAny(Task.Delay(settings.ScanInterval * 5, clock, stoppingToken));
            }
        }

        await Task.WhenAll(running).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task AttemptAsync(ClaimedAttempt attempt, CancellationToken stoppingToken)
    {
        var delivery = attempt.Delivery;
        Target? target = null;
        AttemptResult result;
        // An attempt ends well within its lease, so that no other instance takes the delivery over while this one still works on it.
        using var withinLease = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        withinLease.CancelAfter(options.Value.AttemptLease * 0.8);
        var cancellationToken = withinLease.Token;
        try
        {
            var ars = await tenantAreas.ArsOfAsync(delivery.TenantId, cancellationToken);
            var responsible = await lookup.FindAsync(delivery.TenantId, delivery.LeikaKey, ars, cancellationToken);
            if (responsible is not { UnitId: { } unitId, DestinationId: { } destinationId, Channel: { } channel })
            {
                result = new AttemptResult(AttemptResult.UnroutableOutcome, 0, $"Nobody in the directory is responsible for LeiKa key {delivery.LeikaKey} in area {ars}.", null);
            }
            else
            {
                var destination = (await directory.DestinationAsync(destinationId, cancellationToken))?.Destination;
                target = new Target(unitId, destinationId, channel, destination?.EncryptionKey);
                result = (channel, destination) switch
                {
                    (_, null) => AttemptResult.Failed(0, "The destination was removed from the directory during the attempt."),
                    (Channels.Inbox, _) => AttemptResult.Delivered(0, delivery.DeliveryId.ToString()),
                    (Channels.Pull, _) => new AttemptResult(AttemptResult.OfferedOutcome, 0, null, null),
                    _ => await push.SendAsync(delivery, target, destination, cancellationToken),
                };
            }
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            // Forms, documents or identity not answering, or the lease running out: the attempt failed, the delivery is tried again.
            result = AttemptResult.Failed(0, e is OperationCanceledException
                ? "The attempt took longer than its lease allows."
                : $"The delivery could not be assembled: {e.GetType().Name}.");
            LogAssemblyFailed(logger, delivery.DeliveryId, e.GetType().Name, e.Message);
        }

        var used = attempt.Number - delivery.AttemptsBeforeRedrive;
        DateTimeOffset? retryAt = result.Outcome == AttemptResult.FailedOutcome && used < options.Value.MaxAttempts
            ? clock.GetUtcNow() + Backoff.Jittered(Backoff.For(used, options.Value.RetryDelay, options.Value.MaxRetryDelay))
            : null;
        try
        {
            await deliveries.FinishAsync(attempt, result, target, retryAt, outbox, stoppingToken);
            LogAttempt(logger, delivery.DeliveryId, attempt.Number, result.Outcome, result.StatusCode, retryAt is null && result.Outcome == AttemptResult.FailedOutcome);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            // The claim's lease brings the delivery back; the destination ignores the repeat by its delivery id.
            LogFinishFailed(logger, e, delivery.DeliveryId);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Looking for due deliveries failed")]
    private static partial void LogScanFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {DeliveryId} could not be assembled ({Error}: {Reason})")]
    private static partial void LogAssemblyFailed(ILogger logger, Guid deliveryId, string error, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery {DeliveryId} attempt {Attempt}: {Outcome} ({StatusCode}); parked: {Parked}")]
    private static partial void LogAttempt(ILogger logger, Guid deliveryId, int attempt, string outcome, int statusCode, bool parked);

    [LoggerMessage(Level = LogLevel.Error, Message = "The end of an attempt of delivery {DeliveryId} could not be recorded; it is tried again after its lease")]
    private static partial void LogFinishFailed(ILogger logger, Exception exception, Guid deliveryId);
}
