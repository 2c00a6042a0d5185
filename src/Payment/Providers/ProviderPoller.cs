using EfaPlatform.Payment.Payments;
using EfaPlatform.Payment.Settings;
using Microsoft.Extensions.Options;

namespace EfaPlatform.Payment.Providers;

/// <summary>
/// Asks providers that do not push (XBezahldienste) about every started payment until it ends, with backoff: the wait
/// doubles from Payment:PollInterval with every question, up to Payment:MaxPollInterval, whether the citizen is still
/// paying or the platform is down. An outcome is applied like a callback (<see cref="ProviderConfirmations"/>), once.
/// </summary>
public sealed partial class ProviderPoller(
    PaymentStore store, PaymentSettingsStore settingsStore, PaymentProviders providers, ProviderConfirmations confirmations, IOptions<PaymentOptions> options,
    TimeProvider clock, ILogger<ProviderPoller> logger) : BackgroundService
{
    private const int Batch = 50;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var polled = providers.Polled.Select(p => p.Name).ToList();
        if (polled.Count == 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.PollScanInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                foreach (var (id, polls) in await store.DueForPollAsync(polled, clock.GetUtcNow(), Batch, stoppingToken))
                {
                    try
                    {
                        await PollAsync(id, polls, stoppingToken);
                    }
                    catch (Exception exception) when (exception is not OperationCanceledException)
                    {
                        // One payment's trouble must not hold up the others: it waits its backoff like any other.
                        LogPollFailed(logger, exception, id);
                        await store.SchedulePollAsync(id, clock.GetUtcNow() + Backoff(polls), stoppingToken);
                    }
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogScanFailed(logger, exception);
            }
        }
    }

    private async Task PollAsync(Guid paymentId, int polls, CancellationToken cancellationToken)
    {
        var payment = await store.FindAsync(paymentId, cancellationToken);
        if (payment is not { State: PaymentState.Started } || providers.Find(payment.Provider ?? "") is not IPolledPaymentProvider provider
            || await settingsStore.GetAsync(payment.TenantId, cancellationToken) is not { } settings)
        {
            return;
        }

        ProviderOutcome? outcome;
        try
        {
            outcome = await provider.OutcomeAsync(payment, settings, cancellationToken);
        }
        catch (ProviderException exception)
        {
            LogUnanswered(logger, payment.Id, exception.Status.Detail);
            outcome = null;
        }

        if (outcome is null)
        {
            await store.SchedulePollAsync(payment.Id, clock.GetUtcNow() + Backoff(polls), cancellationToken);
            return;
        }

        // Lost to a concurrent change, the next scan decides on what the payment is then.
        LogApplied(logger, payment.Id, await confirmations.ApplyAloneAsync(payment, outcome.Value, $"provider:{provider.Name}", cancellationToken) ?? "changed meanwhile");
    }

    private TimeSpan Backoff(int polls) => Messaging.Backoff.For(polls + 1, options.Value.PollInterval, options.Value.MaxPollInterval);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The provider gave no status of payment {PaymentId}: {Reason}; asking again later")]
    private static partial void LogUnanswered(ILogger logger, Guid paymentId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Provider status of payment {PaymentId}: {Outcome}")]
    private static partial void LogApplied(ILogger logger, Guid paymentId, string outcome);

    [LoggerMessage(Level = LogLevel.Error, Message = "Asking the provider about payment {PaymentId} failed; asking again later")]
    private static partial void LogPollFailed(ILogger logger, Exception exception, Guid paymentId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Polling providers failed; trying again at the next scan")]
    private static partial void LogScanFailed(ILogger logger, Exception exception);
}
