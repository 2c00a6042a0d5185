using EfaPlatform.Contracts.Routing.V1;
using Google.Protobuf.WellKnownTypes;

namespace EfaPlatform.Routing.Deliveries;

/// <summary>
/// A delivery's content for the pull API and the inbox, read from forms and documents when asked (routing keeps no
/// answers of its own). For a destination with an encryption key it is the JWE of the delivery document, attachments inline.
/// </summary>
public sealed class DeliveryContents(SubmissionSource source, DeliveryDocument document)
{
    public async Task<DeliveryContent> ReadAsync(StoredDelivery delivery, CancellationToken cancellationToken)
    {
        var target = new Target(delivery.UnitId ?? "", delivery.DestinationId ?? Guid.Empty, delivery.Channel ?? "");
        var content = new DeliveryContent
        {
            DeliveryId = delivery.DeliveryId.ToString(), SubmissionId = delivery.SubmissionId.ToString(), Reference = delivery.Reference,
            TenantId = delivery.TenantId.ToString(), UnitId = target.UnitId, DestinationId = target.DestinationId.ToString(),
        };
        var submission = await source.SubmissionAsync(delivery.SubmissionId, cancellationToken);
        if (delivery.EncryptionKey is { } key)
        {
            using var plain = new MemoryStream();
            await document.WriteAsync(plain, delivery, target, submission, cancellationToken);
            content.EncryptedContent = JweEncryption.Encrypt(plain.GetBuffer().AsSpan(0, (int)plain.Length), key);
            return content;
        }

        content.ServiceId = submission.ServiceId;
        content.ServiceVersion = submission.ServiceVersion;
        content.LeikaKey = delivery.LeikaKey;
        content.Language = submission.Language;
        content.SubmittedAt = submission.SubmittedAt;
        content.Answers = submission.Answers ?? new Struct();
        foreach (var attachment in submission.Attachments)
        {
            var metadata = await source.DocumentAsync(attachment.DocumentId, cancellationToken);
            content.Attachments.Add(new DeliveredAttachment
            {
                FieldPath = attachment.FieldPath, DocumentId = attachment.DocumentId, FileName = metadata.FileName, ContentType = metadata.MediaType,
                SizeBytes = metadata.SizeBytes, Sha256 = metadata.Sha256,
            });
        }

        return content;
    }
}
