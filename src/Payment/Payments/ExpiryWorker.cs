using Microsoft.Extensions.Options;

namespace EfaPlatform.Payment.Payments;

/// <summary>
/// Ends started payments the provider did not confirm in time (Payment:ExpiresAfter) as expired, announcing
/// payment.expired so that forms tells the citizen they may pay again. A confirmation that arrives later is recorded and
/// ignored. Every replica may run it: each change names the version it read, so two never expire one payment twice.
/// </summary>
public sealed partial class ExpiryWorker(PaymentStore store, PaymentEvents events, IOptions<PaymentOptions> options, TimeProvider clock, ILogger<ExpiryWorker> logger)
    : BackgroundService
{
    private const int Batch = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ExpiryScanInterval, clock);
        do
        {
            try
            {
                await ExpireDueAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogFailed(logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task<int> ExpireDueAsync(CancellationToken cancellationToken)
    {
        var expired = 0;
        foreach (var id in await store.ExpiredAsync(clock.GetUtcNow(), Batch, cancellationToken))
        {
            var now = clock.GetUtcNow();
            await using var connection = await store.OpenAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var payment = await store.ReadAsync(transaction, id, forUpdate: false, cancellationToken);
            if (payment is not { State: PaymentState.Started } || payment.ExpiresAt > now)
            {
                continue;
            }

            try
            {
                var changed = await store.ChangeAsync(transaction, payment, new PaymentChange(PaymentState.Expired, "expiry"), now, cancellationToken);
                await events.AnnounceAsync(transaction, changed, "expired", now, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                expired++;
            }
            catch (PaymentChangedException)
            {
                // Confirmed (or expired by another replica) meanwhile: nothing left to do.
            }
        }

        return expired;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Expiring payments failed; trying again at the next scan")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
