using System.Net.Http.Headers;
using System.Text.Json;
using EfaPlatform.Routing.Authorities;

namespace EfaPlatform.Routing.Deliveries;

/// <summary>
/// Delivers to a specialist system's webhook: the delivery document is spooled to a temporary file (attachments never
/// whole in memory, except for an encrypted destination: AES-GCM needs the whole plaintext; the signature needs the
/// body before it is sent), signed (<see cref="DeliverySignature"/>) and
/// posted with the delivery id in efa-delivery-id. Any 2xx answer is the receipt (its JSON "receiptId" when it has
/// one); anything else, no answer in time or a broken connection is a failed attempt. Redirects are not followed.
/// </summary>
public sealed class PushChannel(
    HttpClient http, DeliveryDocument document, SubmissionSource source, DirectoryStore directory, Microsoft.Extensions.Options.IOptions<RoutingOptions> options, TimeProvider clock)
{
    private const int MaxAnswerBytes = 64 * 1024;

    public async Task<AttemptResult> SendAsync(StoredDelivery delivery, Target target, DirectoryDestination destination, CancellationToken cancellationToken)
    {
        var secret = await directory.CallbackSecretAsync(destination.DestinationId, cancellationToken);
        if (secret is null || destination.PushUrl is null)
        {
            return AttemptResult.Failed(0, "The push destination has no usable callback secret (none, or sealed under another Routing:SecretKey): set it again.");
        }

        var submission = await source.SubmissionAsync(delivery.SubmissionId, cancellationToken);
        await using var body = Spool();
        if (destination.EncryptionKey is { } key)
        {
            using var plain = new MemoryStream();
            await document.WriteAsync(plain, delivery, target, submission, cancellationToken);
            await DeliveryDocument.WriteEncryptedAsync(body, delivery, target, JweEncryption.Encrypt(plain.GetBuffer().AsSpan(0, (int)plain.Length), key), cancellationToken);
        }
        else
        {
            await document.WriteAsync(body, delivery, target, submission, cancellationToken);
        }

        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        body.Position = 0;
        var signature = await DeliverySignature.SignAsync(secret, timestamp, body, cancellationToken);
        body.Position = 0;
        using var request = new HttpRequestMessage(HttpMethod.Post, destination.PushUrl) { Content = new StreamContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(DeliverySignature.SignatureHeader, signature);
        request.Headers.Add(DeliverySignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(DeliverySignature.DeliveryIdHeader, delivery.DeliveryId.ToString());
        // The push timeout covers sending the body, the answer's headers and reading its body: a destination that trickles
        // bytes holds no attempt longer.
        using var answerWithin = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        answerWithin.CancelAfter(options.Value.PushTimeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, answerWithin.Token);
            var status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                return AttemptResult.Failed(status, $"The destination answered {status}.");
            }

            return AttemptResult.Delivered(status, await ReceiptIdAsync(response, answerWithin.Token) ?? delivery.DeliveryId.ToString());
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException && !cancellationToken.IsCancellationRequested)
        {
            return AttemptResult.Failed(0, e is OperationCanceledException ? "The destination did not answer in time." : $"No answer from the destination: {e.Message}");
        }
    }

    private static FileStream Spool()
    {
        var directory = Path.Combine(Path.GetTempPath(), "efa-routing");
        Directory.CreateDirectory(directory);
        return new FileStream(Path.Combine(directory, Guid.NewGuid().ToString("N")), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
    }

    /// <summary>The receiving system's own receipt id, when its answer is a small JSON object with "receiptId".</summary>
    private static async Task<string?> ReceiptIdAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentType?.MediaType != "application/json" || response.Content.Headers.ContentLength > MaxAnswerBytes)
        {
            return null;
        }

        try
        {
            var buffer = new byte[MaxAnswerBytes];
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var length = await stream.ReadAtLeastAsync(buffer, MaxAnswerBytes, throwOnEndOfStream: false, cancellationToken);
            using var answer = JsonDocument.Parse(buffer.AsMemory(0, length));
            return answer.RootElement.ValueKind == JsonValueKind.Object && answer.RootElement.TryGetProperty("receiptId", out var receipt)
                   && receipt.ValueKind == JsonValueKind.String && receipt.GetString() is { Length: > 0 and <= 100 } id && !id.Any(char.IsControl)
                ? id
                : null;
        }
        catch (Exception e) when (e is JsonException or IOException or HttpRequestException or InvalidOperationException or OperationCanceledException)
        {
            // Not a receipt we can keep (no JSON, a lone surrogate, a broken answer): the delivery id stands for it.
            return null;
        }
    }
}
