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

    /// <summary>What payment and routing report, in the order a submission's life takes them.</summary>
    public static readonly IReadOnlyList<string> Facts = [Paid, Delivered, Decided, Rejected];

    /// <summary>A fact's place in <see cref="Facts"/>: earlier steps are applied first.</summary>
    public static int StepOf(string fact) => fact switch { Paid => 0, Delivered => 1, Decided => 2, Rejected => 3, _ => 4 };

    /// <summary>
    /// Statuses from which <paramref name="next"/> may follow. A fee-bearing submission is delivered only once paid, so a
    /// delivery or decision reported while the payment is pending waits (as a recorded fact) until it is paid.
    /// </summary>
    public static bool CanMove(string current, string next) => next switch
    {
        Paid => current == PaymentPending,
        Delivered => current is Submitted or Paid,
        Decided or Rejected => current is Submitted or Paid or Delivered,
        Withdrawn => current is Submitted or PaymentPending or Paid,
        _ => false,
    };
}
