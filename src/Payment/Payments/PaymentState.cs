namespace EfaPlatform.Payment.Payments;

/// <summary>
/// The life of a payment: created → started → succeeded | failed | cancelled | expired, and a succeeded payment may be
/// refunded in part (partially_refunded, again and again) or in full (refunded). Nothing else is a legal move.
/// </summary>
public static class PaymentState
{
    public const string Created = "created";
    public const string Started = "started";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
    public const string Expired = "expired";
    public const string PartiallyRefunded = "partially_refunded";
    public const string Refunded = "refunded";

    public static readonly IReadOnlyList<string> All = [Created, Started, Succeeded, Failed, Cancelled, Expired, PartiallyRefunded, Refunded];

    public static bool CanMove(string from, string to) => (from, to) switch
    {
        (Created, Started or Cancelled) => true,
        (Started, Succeeded or Failed or Cancelled or Expired) => true,
        (Succeeded or PartiallyRefunded, PartiallyRefunded or Refunded) => true,
        _ => false,
    };

    /// <summary>No provider confirmation can change it any more.</summary>
    public static bool IsFinal(string state) => state is Failed or Cancelled or Expired or Refunded;
}
