using EfaPlatform.Contracts.Events.V1;
using EfaPlatform.Messaging.Outbox;
using Google.Protobuf.WellKnownTypes;
using Npgsql;

namespace EfaPlatform.Payment.Payments;

/// <summary>
/// The event a payment's new state announces, added to the outbox in the transaction that changed the state: it is
/// published if and only if the change commits, once. Keyed by submission id (a machine client's payment: by its own
/// id); amounts and ids only, no personal data. A cancelled payment is announced as failed with reason "cancelled":
/// for forms both mean the same, the citizen may pay again.
/// </summary>
public sealed class PaymentEvents(EventOutbox outbox)
{
    public async Task AnnounceAsync(NpgsqlTransaction transaction, StoredPayment changed, string reason, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var submissionId = changed.SubmissionId?.ToString() ?? "";
        var paymentId = changed.Id.ToString();
        var time = Timestamp.FromDateTimeOffset(at);
        switch (changed.State)
        {
            case PaymentState.Succeeded:
                await outbox.AddAsync(transaction, new PaymentSucceeded { SubmissionId = submissionId, PaymentId = paymentId, AmountCents = changed.AmountCents, PaidAt = time },
                    changed.EventKey, paymentId, cancellationToken);
                break;
            case PaymentState.Failed or PaymentState.Cancelled:
                await outbox.AddAsync(transaction, new PaymentFailed { SubmissionId = submissionId, PaymentId = paymentId, Reason = reason, FailedAt = time },
                    changed.EventKey, paymentId, cancellationToken);
                break;
            case PaymentState.Expired:
                await outbox.AddAsync(transaction, new PaymentExpired { SubmissionId = submissionId, PaymentId = paymentId, ExpiredAt = time },
                    changed.EventKey, paymentId, cancellationToken);
                break;
        }
    }

    public Task AnnounceRefundAsync(NpgsqlTransaction transaction, StoredPayment changed, Guid refundId, long amountCents, DateTimeOffset at, CancellationToken cancellationToken) =>
        outbox.AddAsync(transaction, new PaymentRefunded
        {
            SubmissionId = changed.SubmissionId?.ToString() ?? "", PaymentId = changed.Id.ToString(), RefundId = refundId.ToString(),
            AmountCents = amountCents, RefundedTotalCents = changed.RefundedCents, RefundedAt = Timestamp.FromDateTimeOffset(at),
        }, changed.EventKey, changed.Id.ToString(), cancellationToken);
}
