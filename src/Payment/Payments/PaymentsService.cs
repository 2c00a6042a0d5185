using EfaPlatform.Contracts.Payment.V1;
using EfaPlatform.ServiceDefaults;
using EfaPlatform.ServiceDefaults.Auth;
using Google.Protobuf.WellKnownTypes;
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

    public const string StaffOrCitizen = TenantStaff + "," + EfaClaims.Citizen;

    public const string Citizen = EfaPolicies.RolePrefix + EfaClaims.Citizen;

    [Authorize(Policy = StaffOrCitizen)]
    public override async Task<Contracts.Payment.V1.Payment> GetSubmissionPayment(GetSubmissionPaymentRequest request, ServerCallContext context)
    {
        var submissionId = SubmissionIdOf(request.SubmissionId);
        var user = context.GetHttpContext().User;
        if (user.HasRole(EfaClaims.Citizen))
        {
            // Whose submission it is, forms knows: a citizen asking for another's learns nothing, not even that it exists.
            var own = await submissions.FindAsync(submissionId, context.CancellationToken) is not null;
            return own && await store.ForSubmissionAsync(submissionId, context.CancellationToken) is { } citizensPayment
                ? ToMessage(citizensPayment)
                : throw FieldErrors.NotFound("A payment of this submission");
        }

        // Another municipality's payment is answered like a missing one.
        var payment = await store.ForSubmissionAsync(submissionId, context.CancellationToken);
        return payment is not null && user.CanActForTenant(payment.TenantId.ToString())
            ? ToMessage(payment)
            : throw FieldErrors.NotFound("A payment of this submission");
    }

    [Authorize(Policy = Citizen)]
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
        return ToMessage(await starter.StartAsync(submission, request.ReturnUrl, context.CancellationToken));
    }

    private static Guid SubmissionIdOf(string value)
    {
        if (!Guid.TryParse(value, out var submissionId))
        {
            new FieldErrors().Add("submission_id", "must be a submission id").ThrowIfAny();
        }

        return submissionId;
    }

    public static Contracts.Payment.V1.Payment ToMessage(StoredPayment payment) => new()
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
                State = entry.State, ChangedAt = Timestamp.FromDateTimeOffset(entry.ChangedAt), Source = entry.Source,
            }),
        },
    };
}
