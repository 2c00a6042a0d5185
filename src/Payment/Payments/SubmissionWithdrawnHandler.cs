using EfaPlatform.Contracts.Events.V1;
using EfaPlatform.Messaging.Consuming;

namespace EfaPlatform.Payment.Payments;

/// <summary>
/// A withdrawn submission is not paid for: an open payment of it is cancelled, and a paid one is marked as owing the
/// citizen a refund (refund_due), for the municipality's staff to pay back.
/// </summary>
public sealed partial class SubmissionWithdrawnHandler(PaymentStore store, PaymentEvents events, TimeProvider clock, ILogger<SubmissionWithdrawnHandler> logger)
    : IEventHandler<SubmissionWithdrawn>
{
    public async Task HandleAsync(EventContext<SubmissionWithdrawn> context, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(context.Payload.SubmissionId, out var submissionId)
            || await store.LockLatestOfSubmissionAsync(context.Transaction, submissionId, cancellationToken) is not { } payment)
        {
            return;
        }

        var now = clock.GetUtcNow();
        if (payment.State is PaymentState.Created or PaymentState.Started)
        {
            var cancelled = await store.ChangeAsync(context.Transaction, payment, new PaymentChange(PaymentState.Cancelled, "submission.withdrawn"), now, cancellationToken);
            await events.AnnounceAsync(context.Transaction, cancelled, "withdrawn", now, cancellationToken);
        }
        else if (payment.State is PaymentState.Succeeded or PaymentState.PartiallyRefunded)
        {
            await store.MarkRefundDueAsync(context.Transaction, payment.Id, cancellationToken);
            LogRefundDue(logger, payment.Id, submissionId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Payment {PaymentId} of withdrawn submission {SubmissionId} is owed back")]
    private static partial void LogRefundDue(ILogger logger, Guid paymentId, Guid submissionId);
}
