using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace EfaPlatform.PushReceiver;

public static class ReceiverEndpoints
{
    public static void MapReceiverEndpoints(this WebApplication app)
    {
        app.MapPost("/deliveries", ReceiveAsync);
        app.MapGet("/deliveries", (ReceivedDeliveries deliveries) => Results.Ok(deliveries.All()));
        app.MapGet("/deliveries/{deliveryId}/raw", (string deliveryId, ReceivedDeliveries deliveries) =>
            deliveries.Raw(deliveryId) is { } raw
                ? Results.Ok(new { body = Encoding.UTF8.GetString(raw.Body), headers = raw.Headers })
                : Results.Problem(statusCode: 404, detail: "No such delivery."));
        app.MapPost("/control/faults", (Faults.FaultPlan plan, Faults faults, IOptions<ReceiverOptions> options) =>
        {
            if (!options.Value.FaultsEnabled)
            {
                return Results.Problem(statusCode: 404, detail: "Faults are not enabled.");
            }

            faults.Set(plan);
            return Results.NoContent();
        });
    }

    private static async Task ReceiveAsync(HttpContext context, ReceivedDeliveries deliveries, Faults faults, IOptions<ReceiverOptions> options)
    {
        var (status, close, delayMs) = options.Value.FaultsEnabled ? faults.Next() : (null, false, 0);
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();
        if (close)
        {
            context.Abort();
            return;
        }

        if (status is { } failure)
        {
            context.Response.StatusCode = failure;
            return;
        }

        var request = context.Request;
        var timestamp = request.Headers["callback-timestamp"].ToString();
        var signature = request.Headers["callback-authentication"].ToString();
        var deliveryId = request.Headers["efa-delivery-id"].ToString();
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds) > options.Value.MaxClockSkew.TotalSeconds)
        {
            await Results.Problem(statusCode: 401, detail: "callback-timestamp is missing or too far from now.").ExecuteAsync(context);
            return;
        }

        if (!options.Value.Secrets.Any(secret => Verifies(secret, timestamp, body, signature)))
        {
            await Results.Problem(statusCode: 401, detail: "callback-authentication does not match the body.").ExecuteAsync(context);
            return;
        }

        string submissionId, reference;
        bool encrypted;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            submissionId = root.GetProperty("submissionId").GetString()!;
            reference = root.GetProperty("reference").GetString()!;
            encrypted = root.TryGetProperty("encryptedContent", out _);
            if (root.GetProperty("deliveryId").GetString() != deliveryId || !Guid.TryParse(deliveryId, out _))
            {
                throw new FormatException("efa-delivery-id and deliveryId differ.");
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            await Results.Problem(statusCode: 400, detail: "Not a delivery document.").ExecuteAsync(context);
            return;
        }

        var headers = $"callback-timestamp: {timestamp}\ncallback-authentication: {signature}\nefa-delivery-id: {deliveryId}";
        var taken = deliveries.Take(deliveryId, submissionId, reference, encrypted, body, headers);
        // A slow specialist system: it has taken the delivery, but its answer comes late (perhaps after the sender gave up).
        if (delayMs > 0)
        {
            await Task.Delay(delayMs, CancellationToken.None);
        }

        await Results.Ok(new { receiptId = taken.ReceiptId }).ExecuteAsync(context);
    }

    private static bool Verifies(string secret, string timestamp, byte[] body, string signature)
    {
        byte[] signed = [.. Encoding.UTF8.GetBytes(timestamp + "."), .. body];
        var expected = HMACSHA512.HashData(Encoding.UTF8.GetBytes(secret), signed);
        return signature.Length == expected.Length * 2 && signature.All(Uri.IsHexDigit)
               && CryptographicOperations.FixedTimeEquals(Convert.FromHexString(signature), expected);
    }
}
