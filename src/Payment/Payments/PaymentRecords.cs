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
    int Attempt,
    string? Provider,
    string? ProviderReference,
    string? NextUrl,
    string? ReturnUrl,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? PaidAt,
    long RefundedCents,
    IReadOnlyList<PaymentStateEntry> History)
{
    /// <summary>The machine client's request id of a payment it created; null for a submission's fee.</summary>
    public string? ClientRequestId { get; init; }

    /// <summary>The return URL the machine client asked for (kept to tell a repeated request from a different one).</summary>
    public string? RequestedReturnUrl { get; init; }

    /// <summary>Its submission was withdrawn after it was paid: the municipality owes a refund.</summary>
    public bool RefundDue { get; init; }

    /// <summary>The Kafka key of its events: the submission's id, so that they follow the submission's order.</summary>
    public string EventKey => (SubmissionId ?? Id).ToString();
}

/// <summary>The fee of a submission, as forms announced it.</summary>
public sealed record SubmissionFee(Guid SubmissionId, Guid TenantId, string Reference, string ServiceId, long AmountCents);

/// <summary>A payment a machine client asks for, for a purpose of its own.</summary>
public sealed record ClientPaymentRequest(Guid TenantId, string RequestId, long AmountCents, string Description, string Reference, string ReturnUrl);

/// <summary>What a state change sets besides the state.</summary>
public sealed record PaymentChange(string State, string Source)
{
    public string? Provider { get; init; }
    public string? ProviderReference { get; init; }
    public string? NextUrl { get; init; }
    public string? ReturnUrl { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public DateTimeOffset? PaidAt { get; init; }
    public long? RefundedCents { get; init; }
}
