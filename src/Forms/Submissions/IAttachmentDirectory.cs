using Grpc.Core;

namespace EfaPlatform.Forms.Submissions;

/// <summary>An attachment answer and the rules of its field (from the manifest's attachment requirement).</summary>
/// <param name="MediaTypes">Empty for every type the platform accepts.</param>
/// <param name="MaxBytes">0 for the platform's limit.</param>
public sealed record AttachmentToHold(AttachmentReference Reference, IReadOnlyList<string> MediaTypes, long MaxBytes);

/// <summary>Why an attachment answer cannot be accepted.</summary>
public sealed record AttachmentFault(string FieldPath, string Message, string Code);

/// <summary>Where attached documents are kept: it checks them and holds them for a submission about to be stored.</summary>
public interface IAttachmentDirectory
{
    /// <summary>
    /// Checks that every document exists, is the signed-in citizen's, is scanned clean and meets its field's rules, and
    /// if all do, holds them for <paramref name="submissionId"/>: they are attached when the submission is announced.
    /// </summary>
    /// <returns>What is wrong (empty when all documents are held).</returns>
    Task<IReadOnlyList<AttachmentFault>> HoldAsync(Guid submissionId, Guid tenantId, IReadOnlyList<AttachmentToHold> attachments, CancellationToken cancellationToken);
}

/// <summary>
/// For a forms service run without the documents service (no services__documents__grpc__0): no attachment can be
/// checked, so a submission that references one is refused with FAILED_PRECONDITION and says so, rather than accepting
/// documents nobody verified.
/// </summary>
public sealed class NoDocumentsService : IAttachmentDirectory
{
    public const string Message =
        "Attachments cannot be accepted: this forms service runs without the documents service that keeps and checks them. " +
        "Services without attachments can be submitted.";

    public Task<IReadOnlyList<AttachmentFault>> HoldAsync(Guid submissionId, Guid tenantId, IReadOnlyList<AttachmentToHold> attachments, CancellationToken cancellationToken) =>
        attachments.Count == 0
            ? Task.FromResult<IReadOnlyList<AttachmentFault>>([])
            : throw new RpcException(new Status(StatusCode.FailedPrecondition, Message));
}
