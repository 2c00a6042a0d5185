using EfaPlatform.Contracts.Events.V1;
using EfaPlatform.Messaging.Consuming;

namespace EfaPlatform.Routing.Deliveries;

/// <summary>
/// A submission is ready for its authority when it is submitted and free, or paid; a withdrawal stops whatever has not
/// reached the authority. Each fact is recorded in the event's inbox transaction, so a redelivered event changes nothing.
/// </summary>
public sealed class ReadinessHandlers(DeliveryStore deliveries)
    : IEventHandler<SubmissionSubmitted>, IEventHandler<PaymentSucceeded>, IEventHandler<SubmissionWithdrawn>
{
    public async Task HandleAsync(EventContext<SubmissionSubmitted> context, CancellationToken cancellationToken)
    {
        var submitted = context.Payload;
        if (Guid.TryParse(submitted.SubmissionId, out var submissionId) && Guid.TryParse(submitted.TenantId, out var tenantId))
        {
            await deliveries.RecordSubmittedAsync(context.Transaction, submissionId, tenantId, submitted.Reference, submitted.ServiceId, submitted.LeikaKey,
                submitted.FeeAmountCents, cancellationToken);
        }
    }

    public async Task HandleAsync(EventContext<PaymentSucceeded> context, CancellationToken cancellationToken)
    {
        if (Guid.TryParse(context.Payload.SubmissionId, out var submissionId))
        {
            await deliveries.RecordPaidAsync(context.Transaction, submissionId, context.Payload.PaidAt?.ToDateTimeOffset() ?? DateTimeOffset.UtcNow, cancellationToken);
        }
    }

    public async Task HandleAsync(EventContext<SubmissionWithdrawn> context, CancellationToken cancellationToken)
    {
        if (Guid.TryParse(context.Payload.SubmissionId, out var submissionId))
        {
            await deliveries.RecordWithdrawnAsync(context.Transaction, submissionId, cancellationToken);
        }
    }
}
