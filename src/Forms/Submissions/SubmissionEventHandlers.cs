using EfaPlatform.Contracts.Events.V1;
using EfaPlatform.Messaging.Consuming;
using Google.Protobuf.WellKnownTypes;

namespace EfaPlatform.Forms.Submissions;

/// <summary>
/// Payment and routing tell forms how a submission goes on. The inbox makes a redelivered event a no-op; every fact is
/// recorded whatever order it arrives in, and the status follows the facts along <see cref="SubmissionStatus.CanMove"/>
/// (a payment after a withdrawal changes nothing; a delivery reported before the payment waits for it).
/// </summary>
public sealed partial class SubmissionEventHandlers(SubmissionStore store, TimeProvider clock, ILogger<SubmissionEventHandlers> logger)
    : IEventHandler<PaymentSucceeded>, IEventHandler<PaymentFailed>, IEventHandler<PaymentExpired>, IEventHandler<SubmissionDelivered>, IEventHandler<SubmissionDecided>,
      IEventHandler<SubmissionUnroutable>
{
    public Task HandleAsync(EventContext<PaymentSucceeded> context, CancellationToken cancellationToken) =>
        RecordAsync(context, context.Payload.SubmissionId, SubmissionStatus.Paid, context.Payload.PaidAt, cancellationToken);

    /// <summary>The citizen may pay again: the submission stays payment pending, and its history says what happened.</summary>
    public Task HandleAsync(EventContext<PaymentFailed> context, CancellationToken cancellationToken) =>
        NotePaymentEndedAsync(context, context.Payload.SubmissionId, $"payment failed: {context.Payload.Reason}", context.Payload.FailedAt, cancellationToken);

    public Task HandleAsync(EventContext<PaymentExpired> context, CancellationToken cancellationToken) =>
        NotePaymentEndedAsync(context, context.Payload.SubmissionId, "payment expired", context.Payload.ExpiredAt, cancellationToken);

    private async Task NotePaymentEndedAsync<TEvent>(EventContext<TEvent> context, string submissionId, string note, Timestamp? at, CancellationToken cancellationToken)
        where TEvent : Google.Protobuf.IMessage<TEvent>, new()
    {
        var noted = Guid.TryParse(submissionId, out var id)
                    && await store.MoveAsync(context.Transaction, id, SubmissionStatus.PaymentPending, note, TimeOf(at), cancellationToken) is not null;
        if (!noted)
        {
            LogIgnored(logger, context.Type, context.Id, submissionId);
        }
    }

    /// <summary>Nobody is responsible for it yet: its history says so (the status stays), so that it does not seem to vanish.</summary>
    public async Task HandleAsync(EventContext<SubmissionUnroutable> context, CancellationToken cancellationToken)
    {
        var noted = Guid.TryParse(context.Payload.SubmissionId, out var id)
                    && await store.GetAsync(id, cancellationToken) is { } submission
                    && await store.MoveAsync(context.Transaction, id, submission.Status, UnroutableNote, TimeOf(context.Payload.FoundAt), cancellationToken) is not null;
        if (!noted)
        {
            LogIgnored(logger, context.Type, context.Id, context.Payload.SubmissionId);
        }
    }

    /// <summary>The history note of a submission nobody is responsible for yet.</summary>
    public const string UnroutableNote = "waiting: no office of the municipality is responsible for it yet; it is sent as soon as one is";

    public Task HandleAsync(EventContext<SubmissionDelivered> context, CancellationToken cancellationToken) =>
        RecordAsync(context, context.Payload.SubmissionId, SubmissionStatus.Delivered, context.Payload.DeliveredAt, cancellationToken);

    public Task HandleAsync(EventContext<SubmissionDecided> context, CancellationToken cancellationToken) =>
        RecordAsync(context, context.Payload.SubmissionId, context.Payload.Outcome switch
        {
            "approved" => SubmissionStatus.Decided,
            "rejected" => SubmissionStatus.Rejected,
            var other => throw new InvalidOperationException($"Unknown decision outcome '{other}'; expected approved or rejected."),
        }, context.Payload.DecidedAt, cancellationToken);

    private async Task RecordAsync<TEvent>(EventContext<TEvent> context, string submissionId, string fact, Timestamp? at, CancellationToken cancellationToken)
        where TEvent : Google.Protobuf.IMessage<TEvent>, new()
    {
        var recorded = Guid.TryParse(submissionId, out var id)
                       && await store.RecordFactAsync(context.Transaction, id, fact, TimeOf(at), cancellationToken);
        if (!recorded)
        {
            LogIgnored(logger, context.Type, context.Id, submissionId);
        }
    }

    private DateTimeOffset TimeOf(Timestamp? at) => at?.ToDateTimeOffset() ?? clock.GetUtcNow();

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {Type} {EventId} changes nothing for submission {SubmissionId} (unknown, or known already)")]
    private static partial void LogIgnored(ILogger logger, string type, string eventId, string submissionId);
}
