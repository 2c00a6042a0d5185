using EfaPlatform.Payment.Payments;
using Npgsql;

namespace EfaPlatform.Payment.Providers;

/// <summary>
/// What a provider confirmed, applied to the payment: a legal move changes its state and announces it; anything else
/// (succeeded after expired, failed after succeeded, the same outcome again) changes nothing and says why.
/// </summary>
public sealed partial class ProviderConfirmations(PaymentStore store, PaymentEvents events, TimeProvider clock, ILogger<ProviderConfirmations> logger)
{
    /// <summary><see cref="ApplyAsync"/> in a transaction of its own; null when the payment changed meanwhile.</summary>
    public async Task<string?> ApplyAloneAsync(StoredPayment payment, ProviderOutcome outcome, string source, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            var result = await ApplyAsync(transaction, payment, outcome, "", source, clock.GetUtcNow(), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return result;
        }
        catch (PaymentChangedException)
        {
            return null;
        }
    }

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
                // Money was taken for a payment that ended otherwise (the citizen pays again, or withdrew): the state stays,
                // and the payment shows that the municipality owes the money back.
                await store.MarkRefundDueAsync(transaction, payment.Id, cancellationToken);
                LogPaidTooLate(logger, payment.Id, payment.State);
                return $"ignored: {state} after {payment.State}; refund due";
            }

            return $"ignored: {state} after {payment.State}";
        }

        var changed = await store.ChangeAsync(transaction, payment,
            new PaymentChange(state, source) { PaidAt = state == PaymentState.Succeeded ? now : null }, now, cancellationToken);
        await events.AnnounceAsync(transaction, changed, reason.Length > 0 ? reason : state, now, cancellationToken);
        return $"applied: {state}";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The provider confirmed payment {PaymentId} as paid after it had become {State}; marked refund due")]
    private static partial void LogPaidTooLate(ILogger logger, Guid paymentId, string state);
}
