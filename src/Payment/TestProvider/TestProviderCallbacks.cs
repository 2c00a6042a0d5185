using System.Text.Json;
using EfaPlatform.Payment.Callbacks;

namespace EfaPlatform.Payment.TestProvider;

/// <summary>
/// The test provider reports like a provider that pushes: a callback signed with the municipality's current secret,
/// taken in by the same <see cref="CallbackReceiver"/> as one arriving over HTTP (in-process: the test provider lives in
/// the payment service), so the page exercises verification, receipts and the state machine for real.
/// </summary>
public sealed class TestProviderCallbacks(CallbackSecrets secrets, CallbackReceiver receiver, TimeProvider clock)
{
    public async Task SendAsync(TestSession session, string outcome, string reason, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new { eventId = Guid.NewGuid().ToString(), paymentId = session.PaymentId, outcome, reason });
        var signature = CallbackSignature.Create(await secrets.SigningAsync(session.TenantId, cancellationToken), clock.GetUtcNow(), body);
        var answer = await receiver.ReceiveAsync(session.TenantId, TestPaymentProvider.ProviderName, signature, body, cancellationToken);
        if (answer.Status != StatusCodes.Status200OK)
        {
            throw new InvalidOperationException($"The payment service refused the test provider's callback: {answer.Outcome}");
        }
    }
}
