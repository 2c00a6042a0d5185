using EfaPlatform.Payment.Providers;
using EfaPlatform.Payment.Settings;
using Microsoft.Extensions.Options;

namespace EfaPlatform.Payment.Payments;

/// <summary>
/// Ends started payments the provider did not confirm in time (Payment:ExpiresAfter) as expired, announcing
/// payment.expired so that forms tells the citizen they may pay again. A confirmation that arrives later is recorded and
/// ignored. A provider that does not push is asked one last time first: paid just in time is paid, and while it does
/// not answer the payment waits (the citizen may have paid). Every replica may run it: each change names the version it read, so two never expire one payment twice.
/// </summary>
public sealed partial class ExpiryWorker(
    PaymentStore store, PaymentEvents events, PaymentProviders providers, PaymentSettingsStore settingsStore, ProviderConfirmations confirmations,
    IOptions<PaymentOptions> options, TimeProvider clock, ILogger<ExpiryWorker> logger) : BackgroundService
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
        foreach (var id in await store.DueToExpireAsync(clock.GetUtcNow(), Batch, cancellationToken))
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
                if (await LastWordAsync(payment, cancellationToken) is not { } lastWord)
                {
                    await store.PostponeExpiryAsync(payment.Id, clock.GetUtcNow() + options.Value.MaxPollInterval, cancellationToken);
                    continue;
                }

                if (lastWord.Outcome is { } outcome)
                {
                    await confirmations.ApplyAsync(transaction, payment, outcome, "",
                        $"provider:{payment.Provider}", now, cancellationToken);
                    await transaction.CommitAsync(cancellationToken);
                    continue;
                }

                var changed = await store.ChangeAsync(transaction, payment, new PaymentChange(PaymentState.Expired, "expiry"), now, cancellationToken);
                await events.AnnounceAsync(transaction, changed, "expired", now, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                expired++;
            }
            catch (PaymentChangedException)
            {
                // Confirmed (or expired by another replica) meanwhile: nothing left to do.
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // One payment's trouble must not hold up the others.
                LogExpiringFailed(logger, exception, id);
            }
        }

        return expired;
    }

    /// <summary>
    /// What a polled provider says at the end: an outcome, "still open" (an empty outcome: expire it), or null when it
    /// does not answer (wait). Providers that push have said everything already.
    /// </summary>
    private async Task<LastWord?> LastWordAsync(StoredPayment payment, CancellationToken cancellationToken)
    {
        if (providers.Find(payment.Provider ?? "") is not IPolledPaymentProvider polled || await settingsStore.GetAsync(payment.TenantId, cancellationToken) is not { } settings)
        {
            return new LastWord(null);
        }

        try
        {
            return new LastWord(await polled.OutcomeAsync(payment, settings, cancellationToken));
        }
        catch (ProviderException exception) when (exception.TransactionUnknown)
        {
            return new LastWord(null);
        }
        catch (ProviderException exception)
        {
            LogPostponed(logger, payment.Id, exception.Status.Detail);
            return null;
        }
    }

    private sealed record LastWord(ProviderOutcome? Outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment {PaymentId} is due to expire, but its provider did not answer ({Reason}); waiting for it")]
    private static partial void LogPostponed(ILogger logger, Guid paymentId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Expiring payment {PaymentId} failed; trying again at the next scan")]
    private static partial void LogExpiringFailed(ILogger logger, Exception exception, Guid paymentId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Expiring payments failed; trying again at the next scan")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
