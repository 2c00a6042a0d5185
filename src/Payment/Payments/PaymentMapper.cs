using EfaPlatform.Contracts.Payment.V1;
using Google.Protobuf.WellKnownTypes;

namespace EfaPlatform.Payment.Payments;

/// <summary>A stored payment as the API answers it.</summary>
public static class PaymentMapper
{
    /// <param name="forApplicant">For the citizen: which staff member refunded stays the municipality's to know.</param>
    public static Contracts.Payment.V1.Payment ToMessage(StoredPayment payment, bool forApplicant = false) => new()
    {
        PaymentId = payment.Id.ToString(),
        TenantId = payment.TenantId.ToString(),
        SubmissionId = payment.SubmissionId?.ToString() ?? "",
        Reference = payment.Reference,
        Kassenzeichen = payment.Kassenzeichen,
        Description = payment.Description,
        AmountCents = payment.AmountCents,
        Currency = payment.Currency,
        State = payment.State,
        CreatedAt = Timestamp.FromDateTimeOffset(payment.CreatedAt),
        Attempt = payment.Attempt,
        NextUrl = payment.State == PaymentState.Started ? payment.NextUrl ?? "" : "",
        ExpiresAt = payment.ExpiresAt is { } expires ? Timestamp.FromDateTimeOffset(expires) : null,
        RefundedCents = payment.RefundedCents,
        RefundDue = payment.RefundDue,
        RequestId = payment.ClientRequestId ?? "",
        Provider = payment.Provider ?? "",
        History =
        {
            payment.History.Select(entry => new PaymentStateChange
            {
                State = entry.State, ChangedAt = Timestamp.FromDateTimeOffset(entry.ChangedAt),
                Source = forApplicant && entry.Source.StartsWith("staff:", StringComparison.Ordinal) ? "staff" : entry.Source,
            }),
        },
    };
}
