using EfaPlatform.ServiceDefaults;
using EfaPlatform.ServiceDefaults.Auth;
using EfaPlatform.ServiceDefaults.OpenApi;
using Grpc.Core;

namespace EfaPlatform.Routing.Deliveries;

/// <summary>
/// <c>GET /api/routing/v1/deliveries/{deliveryId}/attachments/{documentId}</c>: an attachment of a delivery, streamed
/// from documents as it arrives, for the municipality's machine clients (pull) and staff (inbox). Not for an encrypted
/// destination: its attachments are inside encryptedContent only.
/// </summary>
public static class AttachmentEndpoints
{
    public static void MapAttachmentEndpoints(this WebApplication app) =>
        app.MapGet("/api/routing/v1/deliveries/{deliveryId}/attachments/{documentId}", DownloadAsync).RequireAuthorization(DeliveriesService.Recipients)
            .WithHttpOperation(new HttpOperation("An attachment of a delivery",
                "The document's bytes with its media type, for the pull API and the inbox; a destination with an encryption key gets attachments only inside encryptedContent.")
            {
                Answers = [new HttpAnswer(200, "The attachment's content", "application/octet-stream")],
            });

    private static async Task DownloadAsync(
        HttpContext context, string deliveryId, string documentId, DeliveryStore deliveries, SubmissionSource source)
    {
        var delivery = Guid.TryParse(deliveryId, out var id) ? await deliveries.GetAsync(id, context.RequestAborted) : null;
        if (!DeliveriesService.IsReceivableBy(delivery, context.User) || delivery is null)
        {
            await RestRequestGuard.WriteProblemAsync(context, StatusCodes.Status404NotFound, "The delivery was not found.", "deliveryId");
            return;
        }

        if (delivery.EncryptionKey is not null)
        {
            await RestRequestGuard.WriteProblemAsync(context, StatusCodes.Status409Conflict,
                "This destination receives encrypted deliveries: the attachments are inside the delivery's encryptedContent.");
            return;
        }

        try
        {
            var submission = await source.SubmissionAsync(delivery.SubmissionId, context.RequestAborted);
            if (!submission.Attachments.Any(attachment => attachment.DocumentId == documentId))
            {
                await RestRequestGuard.WriteProblemAsync(context, StatusCodes.Status404NotFound, "The delivery has no such attachment.", "documentId");
                return;
            }

            await source.StreamAsync(documentId,
                document =>
                {
                    context.Response.ContentType = document.MediaType.Length > 0 ? document.MediaType : "application/octet-stream";
                    context.Response.ContentLength = document.SizeBytes;
                    context.Response.Headers.ContentDisposition = "attachment";
                    context.Response.Headers["Digest-Sha256"] = document.Sha256;
                    return Task.CompletedTask;
                },
                async chunk => await context.Response.Body.WriteAsync(chunk, context.RequestAborted),
                context.RequestAborted);
        }
        catch (RpcException e) when (!context.Response.HasStarted)
        {
            await RestRequestGuard.WriteProblemAsync(context, e.StatusCode == StatusCode.NotFound ? StatusCodes.Status404NotFound : StatusCodes.Status503ServiceUnavailable,
                e.StatusCode == StatusCode.NotFound ? "The attachment was not found." : "Forms or documents cannot be reached now; try again later.", "documentId");
        }
    }
}
