using EfaPlatform.Contracts.Payment.V1;
using EfaPlatform.ServiceDefaults;
using EfaPlatform.ServiceDefaults.Auth;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace EfaPlatform.Payment.Payments;

public sealed class PaymentsService(PaymentStore store) : Contracts.Payment.V1.PaymentsService.PaymentsServiceBase
{
    /// <summary>Who may see a municipality's payments: its staff and machine clients, and operators.</summary>
    public const string TenantStaff = EfaPolicies.RolePrefix + EfaClaims.PlatformAdmin + "," + EfaClaims.TenantAdmin + ","
                                      + EfaClaims.Caseworker + "," + EfaClaims.MachineClient;

    [Authorize(Policy = TenantStaff)]
    public override async Task<Contracts.Payment.V1.Payment> GetSubmissionPayment(GetSubmissionPaymentRequest request, ServerCallContext context)
    {
        if (!Guid.TryParse(request.SubmissionId, out var submissionId))
        {
            new FieldErrors().Add("submission_id", "must be a submission id").ThrowIfAny();
        }

        // Another municipality's payment is answered like a missing one: its existence is not theirs to learn.
        var payment = await store.ForSubmissionAsync(submissionId, context.CancellationToken);
        return payment is not null && context.GetHttpContext().User.CanActForTenant(payment.TenantId.ToString())
            ? ToMessage(payment)
            : throw FieldErrors.NotFound("A payment of this submission");
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
        History =
        {
            payment.History.Select(entry => new PaymentStateChange
            {
                State = entry.State, ChangedAt = Timestamp.FromDateTimeOffset(entry.ChangedAt), Source = entry.Source,
            }),
        },
    };
}
