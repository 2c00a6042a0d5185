using EfaPlatform.Payment.Payments;
using Npgsql;

namespace EfaPlatform.Payment.Providers;

/// <summary>
/// What a provider confirmed, applied to the payment: a legal move changes its state and announces it; anything else
/// (succeeded after expired, failed after succeeded, the same outcome again) changes nothing and says why.
/// </summary>
public sealed partial class ProviderConfirmations(PaymentStore store, PaymentEvents events, ILogger<ProviderConfirmations> logger)
{
    /// <returns>What came of it, for the callback's receipt: "applied: succeeded", "ignored: succeeded after expired", ….</returns>
    public async Task<string> ApplyAsync(NpgsqlTransaction transaction, StoredPayment payment, ProviderOutcome outcome, string reason, string source,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var state = outcome switch
        {
            ProviderOutcome.Succeeded => PaymentState.Succeeded,
            ProviderOutcome.Failed => PaymentState.Failed,
            _ => PaymentState.Cancelled,
        };
        if (payment.State == state || !PaymentState.CanMove(payment.State, state))
        {
            if (state == PaymentState.Succeeded && payment.State is not (PaymentState.Succeeded or PaymentState.PartiallyRefunded or PaymentState.Refunded))
            {
                // Money was taken for a payment that ended otherwise: the treasury has to pay it back by hand.
                LogPaidTooLate(logger, payment.Id, payment.State);
            }

            return $"ignored: {state} after {payment.State}";
        }

        var changed = await store.ChangeAsync(transaction, payment,
            new PaymentChange(state, source) { PaidAt = state == PaymentState.Succeeded ? now : null }, now, cancellationToken);
        await events.AnnounceAsync(transaction, changed, reason.Length > 0 ? reason : state, now, cancellationToken);
        return $"applied: {state}";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The provider confirmed payment {PaymentId} as paid after it had become {State}; it needs a refund by hand")]
    private static partial void LogPaidTooLate(ILogger logger, Guid paymentId, string state);
}
