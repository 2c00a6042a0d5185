using System.Text.RegularExpressions;
using EfaPlatform.Contracts.Payment.V1;
using EfaPlatform.ServiceDefaults;
using EfaPlatform.ServiceDefaults.Auth;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace EfaPlatform.Payment.Payments;

/// <summary>Payments by id: machine clients' own payments, and refunds by the municipality's staff.</summary>
public sealed partial class PaymentsService
{
    /// <summary>Who creates payments of their own: the municipality's machine clients.</summary>
    public const string MachineClients = EfaPolicies.RolePrefix + EfaClaims.MachineClient;

    /// <summary>Who pays money back: the municipality's tenant-admins and caseworkers, signed in with a second factor.</summary>
    public const string Refunders = EfaPolicies.AdministrationPrefix + EfaClaims.TenantAdmin + "," + EfaClaims.Caseworker;

    private const long MaxAmountCents = 10_000_000;

    [Authorize(Policy = MachineClients)]
    public override async Task<Contracts.Payment.V1.Payment> CreatePayment(CreatePaymentRequest request, ServerCallContext context)
    {
        var user = context.GetHttpContext().User;
        if (!Guid.TryParse(request.TenantId, out var tenantId) || !user.IsMemberOf(request.TenantId))
        {
            throw FieldErrors.Denied("A machine client creates payments of its own municipality only.");
        }

        var errors = new FieldErrors();
        if (!RequestIdPattern().IsMatch(request.RequestId))
        {
            errors.Add("request_id", "must be 1–36 letters, digits or '-'");
        }

        if (request.AmountCents is < 1 or > MaxAmountCents)
        {
            errors.Add("amount_cents", $"must be from 1 to {MaxAmountCents} cents");
        }

        errors.Require("description", request.Description, 250).Require("reference", request.Reference, 27)
            .Require("return_url", request.ReturnUrl, Settings.ReturnUrls.MaxLength).ThrowIfAny();
        var payment = await starter.CreateForClientAsync(
            new ClientPaymentRequest(tenantId, request.RequestId, request.AmountCents, request.Description, request.Reference, request.ReturnUrl),
            user.SubjectId() ?? "unknown", context.CancellationToken);
        return PaymentMapper.ToMessage(payment);
    }

    [Authorize(Policy = TenantStaff)]
    public override async Task<Contracts.Payment.V1.Payment> GetPayment(GetPaymentRequest request, ServerCallContext context)
    {
        var payment = Guid.TryParse(request.PaymentId, out var paymentId) ? await store.FindAsync(paymentId, context.CancellationToken) : null;
        return payment is not null && context.GetHttpContext().User.CanActForTenant(payment.TenantId.ToString())
            ? PaymentMapper.ToMessage(payment)
            : throw FieldErrors.NotFound("The payment");
    }

    [Authorize(Policy = Refunders)]
    public override async Task<Refund> RefundPayment(RefundPaymentRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        var idempotencyKey = context.RequestHeaders.GetValue(IdempotencyInterceptor.MetadataKey) ?? "";
        if (idempotencyKey.Length == 0)
        {
            errors.Add("idempotency_key", "is required: a refund repeated after a lost answer must not pay twice");
        }

        Guid.TryParse(request.PaymentId, out var paymentId);
        if (request.AmountCents < 1)
        {
            errors.Add("amount_cents", "must be at least 1 cent");
        }

        errors.Require("reason", request.Reason, 500).ThrowIfAny();
        var user = context.GetHttpContext().User;
        var (refund, payment) = await refunds.RefundAsync(paymentId, request.AmountCents, request.Reason, $"staff:{user.SubjectId()}", idempotencyKey,
            candidate => user.IsMemberOf(candidate.TenantId.ToString()), context.CancellationToken);
        return new Refund
        {
            RefundId = refund.Id.ToString(), PaymentId = refund.PaymentId.ToString(), AmountCents = refund.AmountCents, Reason = refund.Reason,
            RefundedAt = Timestamp.FromDateTimeOffset(refund.RefundedAt), Payment = PaymentMapper.ToMessage(payment),
        };
    }

    [GeneratedRegex("^[A-Za-z0-9-]{1,36}$")]
    private static partial Regex RequestIdPattern();
}
