namespace EfaPlatform.Forms.Submissions;

/// <summary>
/// The life of a submission: submitted → payment_pending → paid → delivered → decided, or rejected / withdrawn.
/// A free service skips the payment steps.
/// </summary>
public static class SubmissionStatus
{
    public const string Submitted = "submitted";
    public const string PaymentPending = "payment_pending";
    public const string Paid = "paid";
    public const string Delivered = "delivered";
    public const string Decided = "decided";
    public const string Rejected = "rejected";
    public const string Withdrawn = "withdrawn";

    public static readonly IReadOnlyList<string> All = [Submitted, PaymentPending, Paid, Delivered, Decided, Rejected, Withdrawn];

    /// <summary>Statuses from which <paramref name="next"/> may follow. Anything else is a late or repeated event and changes nothing.</summary>
    public static bool CanMove(string current, string next) => next switch
    {
        Paid => current == PaymentPending,
        Delivered => current is Submitted or PaymentPending or Paid,
        Decided or Rejected => current is Submitted or PaymentPending or Paid or Delivered,
        Withdrawn => current is Submitted or PaymentPending or Paid,
        _ => false,
    };
}
