using Grpc.Core;

namespace EfaPlatform.Forms.Submissions;

/// <summary>Where attached documents are kept: it says whether each one exists and belongs to the citizen.</summary>
public interface IAttachmentDirectory
{
    /// <returns>The references that do not exist or are not the citizen's (empty when all are fine).</returns>
    Task<IReadOnlyList<AttachmentReference>> FindForeignAsync(string citizenId, IReadOnlyList<AttachmentReference> references, CancellationToken cancellationToken);
}

/// <summary>
/// The platform has no documents service yet, so no attachment can be checked: a submission that references one is
/// refused with FAILED_PRECONDITION and says so, rather than accepting documents nobody verified.
/// </summary>
public sealed class NoDocumentsService : IAttachmentDirectory
{
    public const string Message =
        "Attachments cannot be accepted yet: the documents service that keeps and checks them is not part of this platform. " +
        "Services without attachments can be submitted.";

    public Task<IReadOnlyList<AttachmentReference>> FindForeignAsync(string citizenId, IReadOnlyList<AttachmentReference> references, CancellationToken cancellationToken) =>
        references.Count == 0
            ? Task.FromResult<IReadOnlyList<AttachmentReference>>([])
            : throw new RpcException(new Status(StatusCode.FailedPrecondition, Message));
}
