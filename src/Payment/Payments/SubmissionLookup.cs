using EfaPlatform.Contracts.Forms.V1;
using Grpc.Core;
using Grpc.Net.ClientFactory;

namespace EfaPlatform.Payment.Payments;

/// <summary>What payment needs to know of a citizen's submission.</summary>
public sealed record SubmissionSummary(Guid SubmissionId, Guid TenantId, string Reference, string ServiceId, string Status, long FeeAmountCents)
{
    /// <summary>Forms' status of a submission whose fee is due (forms' SubmissionStatus.PaymentPending).</summary>
    public const string PaymentPending = "payment_pending";

    public bool AwaitsPayment => Status == PaymentPending && FeeAmountCents > 0;

    /// <summary>Past payment in forms' order: paid, then delivered, then decided or rejected.</summary>
    public bool IsPaid => Status is "paid" or "delivered" or "decided" or "rejected";
}

/// <summary>
/// Asks forms for a submission with the caller's own access token, so that forms decides whose it is: a citizen learns
/// of their own submissions only, and payment never vouches for a citizen itself.
/// </summary>
public sealed class SubmissionLookup(GrpcClientFactory clients, IHttpContextAccessor request)
{
    public const string ServiceName = "forms";

    /// <summary>The submission, or null when it does not exist or is not the caller's.</summary>
    public async Task<SubmissionSummary?> FindAsync(Guid submissionId, CancellationToken cancellationToken)
    {
        var headers = new Metadata { { "authorization", request.HttpContext?.Request.Headers.Authorization.ToString() ?? "" } };
        var forms = clients.CreateClient<SubmissionsService.SubmissionsServiceClient>(nameof(SubmissionsService.SubmissionsServiceClient));
        try
        {
            var submission = await forms.GetSubmissionAsync(new GetSubmissionRequest { SubmissionId = submissionId.ToString() }, headers,
                deadline: DateTime.UtcNow.AddSeconds(15), cancellationToken: cancellationToken);
            return new SubmissionSummary(submissionId, Guid.Parse(submission.TenantId), submission.Reference, submission.ServiceId, submission.Status,
                submission.FeeAmountCents);
        }
        catch (RpcException exception) when (exception.StatusCode is StatusCode.NotFound or StatusCode.PermissionDenied)
        {
            return null;
        }
    }
}
