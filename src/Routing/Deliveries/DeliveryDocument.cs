using System.Text.Json;
using EfaPlatform.Contracts.Forms.V1;
using Google.Protobuf;

namespace EfaPlatform.Routing.Deliveries;

/// <summary>
/// The JSON an authority receives (docs/routing.md, "Push"): the submission's metadata and answers, and its attachments
/// with their content inline as base64, written straight from documents' stream to <c>output</c>.
/// </summary>
public sealed class DeliveryDocument(SubmissionSource source)
{
    public const string Type = "https://efa-platform.de/schemas/routing/delivery.v1";

    public async Task WriteAsync(Stream output, StoredDelivery delivery, Deliveries.Target target, Submission submission, CancellationToken cancellationToken)
    {
        await using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        WriteMetadata(json, delivery, target);
        json.WriteString("serviceId", submission.ServiceId);
        json.WriteNumber("serviceVersion", submission.ServiceVersion);
        json.WriteString("leikaKey", delivery.LeikaKey);
        json.WriteString("language", submission.Language);
        json.WriteString("submittedAt", submission.SubmittedAt?.ToDateTimeOffset().ToString("O") ?? "");
        json.WritePropertyName("answers");
        json.WriteRawValue(JsonFormatter.Default.Format(submission.Answers ?? new Google.Protobuf.WellKnownTypes.Struct()));
        json.WriteStartArray("attachments");
        foreach (var attachment in submission.Attachments)
        {
            json.WriteStartObject();
            json.WriteString("fieldPath", attachment.FieldPath);
            json.WriteString("documentId", attachment.DocumentId);
            await source.StreamAsync(attachment.DocumentId,
                document =>
                {
                    json.WriteString("fileName", document.FileName);
                    json.WriteString("contentType", document.MediaType);
                    json.WriteNumber("sizeBytes", document.SizeBytes);
                    json.WriteString("sha256", document.Sha256);
                    json.WritePropertyName("content");
                    return Task.CompletedTask;
                },
                async chunk =>
                {
                    json.WriteBase64StringSegment(chunk.Span, isFinalSegment: false);
                    await json.FlushAsync(cancellationToken);
                },
                cancellationToken);
            json.WriteBase64StringSegment([], isFinalSegment: true);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken);
    }

    /// <summary>The outer document of an encrypted delivery: metadata in clear, the rest as JWE.</summary>
    public static async Task WriteEncryptedAsync(Stream output, StoredDelivery delivery, Deliveries.Target target, string jwe, CancellationToken cancellationToken)
    {
        await using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        WriteMetadata(json, delivery, target);
        json.WriteString("encryptedContent", jwe);
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken);
    }

    private static void WriteMetadata(Utf8JsonWriter json, StoredDelivery delivery, Deliveries.Target target)
    {
        json.WriteString("type", Type);
        json.WriteString("deliveryId", delivery.DeliveryId);
        json.WriteString("submissionId", delivery.SubmissionId);
        json.WriteString("reference", delivery.Reference);
        json.WriteString("tenantId", delivery.TenantId);
        json.WriteString("unitId", target.UnitId);
        json.WriteString("destinationId", target.DestinationId);
    }
}
