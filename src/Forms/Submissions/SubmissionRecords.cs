namespace EfaPlatform.Forms.Submissions;

public sealed record StatusEntry(string Status, DateTimeOffset ChangedAt, string Reason);

/// <summary>A submission as stored. <see cref="AnswersJson"/>, attachments and history are loaded only when one submission is read.</summary>
public sealed record StoredSubmission(
    Guid Id,
    Guid TenantId,
    string CitizenId,
    string ServiceId,
    int ServiceVersion,
    string Reference,
    string Status,
    long FeeAmountCents,
    string Language,
    DateTimeOffset SubmittedAt,
    string? AnswersJson = null,
    IReadOnlyList<AttachmentReference>? Attachments = null,
    IReadOnlyList<StatusEntry>? History = null);

/// <summary>What a submit writes: everything is checked before.</summary>
/// <param name="Id">Chosen before the submission is stored, so that its attachments can be held for it.</param>
public sealed record NewSubmission(
    Guid Id,
    Guid TenantId,
    string CitizenId,
    string ServiceId,
    int ServiceVersion,
    string LeikaKey,
    string ReferencePrefix,
    string AnswersJson,
    IReadOnlyList<AttachmentReference> Attachments,
    long FeeAmountCents,
    string Language,
    string IdempotencyKey,
    string RequestFingerprint);

/// <summary>Whose submissions to list, and which of them.</summary>
public sealed record SubmissionFilter(
    Guid? TenantId = null,
    string? CitizenId = null,
    string? Status = null,
    string? ServiceId = null,
    DateTimeOffset? SubmittedFrom = null,
    DateTimeOffset? SubmittedBefore = null);
