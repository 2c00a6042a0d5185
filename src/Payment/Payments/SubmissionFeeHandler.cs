using EfaPlatform.Contracts.Events.V1;
using EfaPlatform.Messaging.Consuming;

namespace EfaPlatform.Payment.Payments;

/// <summary>
/// A fee-bearing submission gets its payment when forms announces it, in the transaction the inbox records the event in:
/// a redelivered announcement creates nothing twice. The amount is the fee forms computed, never one a citizen chose.
/// </summary>
public sealed partial class SubmissionFeeHandler(PaymentStore store, TimeProvider clock, ILogger<SubmissionFeeHandler> logger)
    : IEventHandler<SubmissionSubmitted>
{
    public async Task HandleAsync(EventContext<SubmissionSubmitted> context, CancellationToken cancellationToken)
    {
        var submitted = context.Payload;
        if (submitted.FeeAmountCents <= 0)
        {
            return;
        }

        if (!Guid.TryParse(submitted.SubmissionId, out var submissionId) || !Guid.TryParse(submitted.TenantId, out var tenantId))
        {
            LogMalformed(logger, context.Id);
            return;
        }

        var fee = new SubmissionFee(submissionId, tenantId, submitted.Reference, submitted.ServiceId, submitted.FeeAmountCents);
        if (await store.CreateForSubmissionAsync(context.Transaction, fee, clock.GetUtcNow(), cancellationToken) is { } paymentId)
        {
            LogCreated(logger, paymentId, submissionId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Payment {PaymentId} created for submission {SubmissionId}")]
    private static partial void LogCreated(ILogger logger, Guid paymentId, Guid submissionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId} names no valid submission or tenant; no payment created")]
    private static partial void LogMalformed(ILogger logger, string eventId);
}
