namespace EfaPlatform.Routing.Deliveries;

public static class DeliveryStates
{
    /// <summary>Announced, the fee not paid yet.</summary>
    public const string Waiting = "waiting";

    /// <summary>Ready: being delivered (the next attempt due at next_attempt_at).</summary>
    public const string Pending = "pending";

    /// <summary>Offered to a pull destination until it acknowledges.</summary>
    public const string Offered = "offered";

    public const string Delivered = "delivered";

    /// <summary>Attempts used up; an operator re-drives it.</summary>
    public const string Parked = "parked";

    /// <summary>Nobody responsible; looked up again when the directory changes or an operator re-drives it.</summary>
    public const string Unroutable = "unroutable";

    public const string Withdrawn = "withdrawn";

    public static readonly IReadOnlyList<string> All = [Waiting, Pending, Offered, Delivered, Parked, Unroutable, Withdrawn];
}

public sealed record StoredDelivery(
    Guid DeliveryId,
    Guid SubmissionId,
    Guid TenantId,
    string Reference,
    string ServiceId,
    string LeikaKey,
    string State,
    string? UnitId,
    Guid? DestinationId,
    string? Channel,
    int Attempts,
    int AttemptsBeforeRedrive,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? DeliveredAt,
    string? ReceiptId,
    string? LastError,
    DateTimeOffset CreatedAt,
    string? Outcome,
    string? EncryptionKey);

/// <summary>What an attempt came to.</summary>
/// <param name="StatusCode">The push destination's HTTP status; 0 without an answer.</param>
public sealed record AttemptResult(string Outcome, int StatusCode, string? Error, string? ReceiptId)
{
    public const string DeliveredOutcome = "delivered";
    public const string FailedOutcome = "failed";
    public const string UnroutableOutcome = "unroutable";
    public const string OfferedOutcome = "offered";

    public static AttemptResult Delivered(int statusCode, string receiptId) => new(DeliveredOutcome, statusCode, null, receiptId);

    public static AttemptResult Failed(int statusCode, string error) => new(FailedOutcome, statusCode, error, null);
}
