using EfaPlatform.Contracts.Events.V1;
using EfaPlatform.Messaging.Consuming;

namespace EfaPlatform.Forms.Submissions;

/// <summary>
/// Payment and routing tell forms how a submission goes on. The inbox makes a redelivered event a no-op, and
/// <see cref="SubmissionStatus.CanMove"/> makes a late one (a payment after a withdrawal) change nothing.
/// </summary>
public sealed partial class SubmissionEventHandlers(SubmissionStore store, ILogger<SubmissionEventHandlers> logger)
    : IEventHandler<PaymentSucceeded>, IEventHandler<PaymentFailed>, IEventHandler<SubmissionDelivered>, IEventHandler<SubmissionDecided>
{
    public Task HandleAsync(EventContext<PaymentSucceeded> context, CancellationToken cancellationToken) =>
        MoveAsync(context, context.Payload.SubmissionId, SubmissionStatus.Paid, "", context.Payload.PaidAt, cancellationToken);

    /// <summary>The citizen may pay again: the submission stays payment pending, and its history says what happened.</summary>
    public Task HandleAsync(EventContext<PaymentFailed> context, CancellationToken cancellationToken) =>
        MoveAsync(context, context.Payload.SubmissionId, SubmissionStatus.PaymentPending, $"payment failed: {context.Payload.Reason}", context.Payload.FailedAt, cancellationToken);

    public Task HandleAsync(EventContext<SubmissionDelivered> context, CancellationToken cancellationToken) =>
        MoveAsync(context, context.Payload.SubmissionId, SubmissionStatus.Delivered, "", context.Payload.DeliveredAt, cancellationToken);

    public Task HandleAsync(EventContext<SubmissionDecided> context, CancellationToken cancellationToken) =>
        MoveAsync(context, context.Payload.SubmissionId, context.Payload.Outcome switch
        {
            "approved" => SubmissionStatus.Decided,
            "rejected" => SubmissionStatus.Rejected,
            var other => throw new InvalidOperationException($"Unknown decision outcome '{other}'; expected approved or rejected."),
        }, "", context.Payload.DecidedAt, cancellationToken);

    private async Task MoveAsync<TEvent>(
        EventContext<TEvent> context, string submissionId, string next, string reason, Google.Protobuf.WellKnownTypes.Timestamp? at, CancellationToken cancellationToken)
        where TEvent : Google.Protobuf.IMessage<TEvent>, new()
    {
        var moved = Guid.TryParse(submissionId, out var id)
                    && await store.MoveAsync(context.Transaction, id, next, reason, at?.ToDateTimeOffset() ?? DateTimeOffset.UtcNow, cancellationToken) is not null;
        if (!moved)
        {
            LogIgnored(logger, context.Type, context.Id, submissionId, next);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {Type} {EventId} leaves submission {SubmissionId} as it is (no move to {Status} from its current status, or unknown)")]
    private static partial void LogIgnored(ILogger logger, string type, string eventId, string submissionId, string status);
}
