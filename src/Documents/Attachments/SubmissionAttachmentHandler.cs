using EfaPlatform.Contracts.Events.V1;
using EfaPlatform.Messaging.Consuming;

namespace EfaPlatform.Documents.Attachments;

/// <summary>
/// When forms has stored a submission, the documents held for it are attached to it, in the transaction the inbox
/// records the event in: a redelivered event attaches nothing twice, and a submission that was never stored (forms
/// failed after holding its documents) has no event, so its documents are released when the hold runs out.
/// </summary>
public sealed partial class SubmissionAttachmentHandler(TimeProvider clock, ILogger<SubmissionAttachmentHandler> logger)
    : IEventHandler<SubmissionSubmitted>, IEventHandler<SubmissionDecided>, IEventHandler<SubmissionWithdrawn>
{
    /// <summary>The retention period of the submission's documents starts when it is decided.</summary>
    public Task HandleAsync(EventContext<SubmissionDecided> context, CancellationToken cancellationToken) =>
        CloseAsync(context.Transaction, context.Payload.SubmissionId, context.Payload.DecidedAt?.ToDateTimeOffset(), cancellationToken);

    /// <summary>... or withdrawn.</summary>
    public Task HandleAsync(EventContext<SubmissionWithdrawn> context, CancellationToken cancellationToken) =>
        CloseAsync(context.Transaction, context.Payload.SubmissionId, context.Payload.WithdrawnAt?.ToDateTimeOffset(), cancellationToken);

    private async Task CloseAsync(Npgsql.NpgsqlTransaction transaction, string submission, DateTimeOffset? at, CancellationToken cancellationToken)
    {
        if (Guid.TryParse(submission, out var submissionId))
        {
            await AttachmentStore.CloseAsync(transaction, submissionId, at ?? clock.GetUtcNow(), cancellationToken);
        }
    }

    public async Task HandleAsync(EventContext<SubmissionSubmitted> context, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(context.Payload.SubmissionId, out var submissionId) || !Guid.TryParse(context.Payload.TenantId, out var tenantId))
        {
            LogMalformed(logger, context.Id);
            return;
        }

        var attached = await AttachmentStore.AttachAsync(context.Transaction, submissionId, tenantId, clock.GetUtcNow(), cancellationToken);
        if (attached > 0)
        {
            LogAttached(logger, attached, submissionId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} documents attached to submission {SubmissionId}")]
    private static partial void LogAttached(ILogger logger, int count, Guid submissionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId} names no valid submission or tenant; nothing attached")]
    private static partial void LogMalformed(ILogger logger, string eventId);
}
