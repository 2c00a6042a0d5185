using EfaPlatform.Contracts.Payment.V1;
using EfaPlatform.ServiceDefaults;
using EfaPlatform.ServiceDefaults.Auth;
using Grpc.Core;
using EfaPlatform.Payment.Refunds;
using Microsoft.AspNetCore.Authorization;

namespace EfaPlatform.Payment.Payments;

public sealed partial class PaymentsService(PaymentStore store, SubmissionLookup submissions, PaymentStarter starter, PaymentRefunds refunds)
    : Contracts.Payment.V1.PaymentsService.PaymentsServiceBase
{
    /// <summary>Who may see a municipality's payments: its staff and machine clients, and operators.</summary>
    public const string TenantStaff = EfaPolicies.RolePrefix + EfaClaims.PlatformAdmin + "," + EfaClaims.TenantAdmin + ","
                                      + EfaClaims.Caseworker + "," + EfaClaims.MachineClient;

    /// <summary>Who hands in submissions and pays their fees: citizens and organisations, each their own.</summary>
    public const string Applicants = EfaPolicies.RolePrefix + EfaClaims.Citizen + "," + EfaClaims.Organisation;

    public const string StaffOrApplicants = TenantStaff + "," + EfaClaims.Citizen + "," + EfaClaims.Organisation;

    [Authorize(Policy = StaffOrApplicants)]
    public override async Task<Contracts.Payment.V1.Payment> GetSubmissionPayment(GetSubmissionPaymentRequest request, ServerCallContext context)
    {
        var submissionId = SubmissionIdOf(request.SubmissionId);
        var user = context.GetHttpContext().User;
        if (IsApplicant(user))
        {
            // Whose submission it is, forms knows: a citizen asking for another's learns nothing, not even that it exists.
            var own = await submissions.FindAsync(submissionId, context.CancellationToken) is not null;
            return own && await store.ForSubmissionAsync(submissionId, context.CancellationToken) is { } citizensPayment
                ? PaymentMapper.ToMessage(citizensPayment, forApplicant: true)
                : throw FieldErrors.NotFound("A payment of this submission");
        }

        // Another municipality's payment is answered like a missing one.
        var payment = await store.ForSubmissionAsync(submissionId, context.CancellationToken);
        return payment is not null && user.CanActForTenant(payment.TenantId.ToString())
            ? PaymentMapper.ToMessage(payment)
            : throw FieldErrors.NotFound("A payment of this submission");
    }

    [Authorize(Policy = Applicants)]
    public override async Task<Contracts.Payment.V1.Payment> StartPayment(StartPaymentRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        Guid.TryParse(request.SubmissionId, out var submissionId);
        if (submissionId == Guid.Empty)
        {
            errors.Add("submission_id", "must be a submission id");
        }

        errors.Require("return_url", request.ReturnUrl, Settings.ReturnUrls.MaxLength).ThrowIfAny();
        var submission = await submissions.FindAsync(submissionId, context.CancellationToken) ?? throw FieldErrors.NotFound("The submission");
        return PaymentMapper.ToMessage(await starter.StartAsync(submission, request.ReturnUrl, context.CancellationToken), forApplicant: true);
    }

    private static Guid SubmissionIdOf(string value)
    {
        if (!Guid.TryParse(value, out var submissionId))
        {
            new FieldErrors().Add("submission_id", "must be a submission id").ThrowIfAny();
        }

        return submissionId;
    }

    private static bool IsApplicant(System.Security.Claims.ClaimsPrincipal user) => user.HasRole(EfaClaims.Citizen) || user.HasRole(EfaClaims.Organisation);
}
