using System.Text.Json;
using EfaPlatform.Payment.Payments;
using EfaPlatform.Payment.Providers;
using Npgsql;

namespace EfaPlatform.Payment.Callbacks;

/// <summary>A callback the provider sends: <c>{"eventId": "…", "paymentId": "…", "outcome": "succeeded|failed|cancelled", "reason": "declined"}</c>.</summary>
public sealed record CallbackMessage(string EventId, Guid PaymentId, ProviderOutcome Outcome, string Reason);

/// <summary>The answer to a callback: 200 with what came of it, or a problem (<see cref="Field"/> names what was wrong).</summary>
public sealed record CallbackAnswer(int Status, string Outcome, string? Field = null);

/// <summary>
/// Takes in a provider's callback: verified first (signature with one of the municipality's secrets, within the
/// window), then recorded by its event id in the transaction that applies it, so that the same event a second time —
/// a retry or a replay — is answered "duplicate" and changes nothing. A callback that cannot change the payment
/// (another municipality's, or out of order) is recorded and ignored.
/// </summary>
public sealed partial class CallbackReceiver(
    CallbackSecrets secrets, PaymentStore store, ProviderConfirmations confirmations, TimeProvider clock, ILogger<CallbackReceiver> logger)
{
    public const int MaxBodyBytes = 16 * 1024;
    private const int Attempts = 3;

    public async Task<CallbackAnswer> ReceiveAsync(Guid tenantId, string provider, string? signature, byte[] body, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (CallbackSignature.Problem(signature, await secrets.ValidAsync(tenantId, cancellationToken), now, body) is { } problem)
        {
            LogRefused(logger, tenantId, problem);
            return new CallbackAnswer(StatusCodes.Status401Unauthorized, problem, "signature");
        }

        if (Parse(body) is not { } message)
        {
            return new CallbackAnswer(StatusCodes.Status400BadRequest,
                "The callback must be a JSON object with eventId (1–100 characters), paymentId (a payment id), outcome (succeeded, failed or cancelled) and an optional reason (at most 100 characters).",
                "body");
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return new CallbackAnswer(StatusCodes.Status200OK, await ApplyAsync(tenantId, provider, message, now, cancellationToken));
            }
            catch (PaymentChangedException)
            {
                // The expiry worker or another callback changed the payment meanwhile: decide again on what it is now,
                // and after a few tries let the provider send it again later (nothing was recorded).
                if (attempt == Attempts)
                {
                    return new CallbackAnswer(StatusCodes.Status409Conflict, "The payment is changing right now; send the callback again.");
                }
            }
        }
    }

    private async Task<string> ApplyAsync(Guid tenantId, string provider, CallbackMessage message, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var receipt = new NpgsqlCommand("""
                         insert into callback_receipts (tenant_id, event_id, payment_id, received_at, outcome) values ($1, $2, $3, $4, 'received')
                         on conflict do nothing
                         """, connection, transaction))
        {
            receipt.Parameters.AddWithValue(tenantId);
            receipt.Parameters.AddWithValue(message.EventId);
            receipt.Parameters.AddWithValue(message.PaymentId);
            receipt.Parameters.AddWithValue(now);
            if (await receipt.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return "duplicate: this event was taken in before";
            }
        }

        var payment = await store.ReadAsync(transaction, message.PaymentId, forUpdate: false, cancellationToken);
        var outcome = payment is null || payment.TenantId != tenantId || payment.Provider != provider
            ? "ignored: no such payment of this municipality and provider"
            : await confirmations.ApplyAsync(transaction, payment, message.Outcome, message.Reason, $"provider:{provider}", now, cancellationToken);
        await using (var record = new NpgsqlCommand("update callback_receipts set outcome = $3 where tenant_id = $1 and event_id = $2", connection, transaction))
        {
            record.Parameters.AddWithValue(tenantId);
            record.Parameters.AddWithValue(message.EventId);
            record.Parameters.AddWithValue(outcome);
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        LogTaken(logger, tenantId, message.PaymentId, outcome);
        return outcome;
    }

    private static CallbackMessage? Parse(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 4 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("eventId", out var eventId) || eventId.GetString() is not { Length: >= 1 and <= 100 } id || id.Any(char.IsControl)
                || !root.TryGetProperty("paymentId", out var paymentId) || !Guid.TryParse(paymentId.GetString(), out var payment)
                || !root.TryGetProperty("outcome", out var outcome))
            {
                return null;
            }

            var reason = root.TryGetProperty("reason", out var given) ? given.GetString() ?? "" : "";
            ProviderOutcome? parsed = outcome.GetString() switch
            {
                "succeeded" => ProviderOutcome.Succeeded,
                "failed" => ProviderOutcome.Failed,
                "cancelled" => ProviderOutcome.Cancelled,
                _ => null,
            };
            return parsed is { } known && reason.Length <= 100 && !reason.Any(char.IsControl) ? new CallbackMessage(id, payment, known, reason) : null;
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Callback for tenant {TenantId} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, Guid tenantId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Callback for tenant {TenantId}, payment {PaymentId}: {Outcome}")]
    private static partial void LogTaken(ILogger logger, Guid tenantId, Guid paymentId, string outcome);
}
