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
                    await PollAsync(id, polls, stoppingToken);
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

        await ApplyAsync(payment, outcome.Value, provider.Name, cancellationToken);
    }

    /// <summary>The outcome in one transaction with its event; lost to a concurrent change, the next scan asks again.</summary>
    public async Task ApplyAsync(StoredPayment payment, ProviderOutcome outcome, string provider, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await store.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            var result = await confirmations.ApplyAsync(transaction, payment, outcome, "",
                $"provider:{provider}", now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            LogApplied(logger, payment.Id, result);
        }
        catch (PaymentChangedException)
        {
            // Expired or changed meanwhile: decided on the next scan from what it is then.
        }
    }

    private TimeSpan Backoff(int polls)
    {
        var wait = options.Value.PollInterval * Math.Pow(2, Math.Min(polls, 16));
        return wait < options.Value.MaxPollInterval ? wait : options.Value.MaxPollInterval;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The provider gave no status of payment {PaymentId}: {Reason}; asking again later")]
    private static partial void LogUnanswered(ILogger logger, Guid paymentId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Provider status of payment {PaymentId}: {Outcome}")]
    private static partial void LogApplied(ILogger logger, Guid paymentId, string outcome);

    [LoggerMessage(Level = LogLevel.Error, Message = "Polling providers failed; trying again at the next scan")]
    private static partial void LogScanFailed(ILogger logger, Exception exception);
}
