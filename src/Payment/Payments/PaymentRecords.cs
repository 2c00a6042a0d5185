namespace EfaPlatform.Payment.Payments;

public sealed record PaymentStateEntry(string State, DateTimeOffset ChangedAt, string Source);

public sealed record StoredPayment(
    Guid Id,
    Guid TenantId,
    Guid? SubmissionId,
    string Reference,
    string Kassenzeichen,
    string Description,
    long AmountCents,
    string Currency,
    string State,
    int Version,
    DateTimeOffset CreatedAt,
    IReadOnlyList<PaymentStateEntry> History);

/// <summary>The fee of a submission, as forms announced it.</summary>
public sealed record SubmissionFee(Guid SubmissionId, Guid TenantId, string Reference, string ServiceId, long AmountCents);
