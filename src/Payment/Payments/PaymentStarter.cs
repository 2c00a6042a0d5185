using EfaPlatform.Payment.Providers;
using EfaPlatform.Payment.Settings;
using EfaPlatform.ServiceDefaults;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Npgsql;

namespace EfaPlatform.Payment.Payments;

/// <summary>
/// Sends a citizen to pay a submission's fee: the fee forms computed (the payment is made now if forms' announcement
/// has not arrived yet), a new attempt after a failed, cancelled or expired one, and the provider's transaction opened
/// while the payment is locked, so that two clicks open one transaction.
/// </summary>
public sealed class PaymentStarter(
    PaymentStore store, PaymentSettingsStore settingsStore, PaymentProviders providers, IOptions<PaymentOptions> options, TimeProvider clock)
{
    public async Task<StoredPayment> StartAsync(SubmissionSummary submission, string returnUrl, CancellationToken cancellationToken)
    {
        if (!submission.AwaitsPayment)
        {
            throw FieldErrors.Precondition(submission.IsPaid
                ? "The fee of this submission is paid."
                : $"The submission is {submission.Status}: there is nothing to pay.");
        }

        var (settings, provider) = await ProviderOfAsync(submission.TenantId, returnUrl, cancellationToken);
        var now = clock.GetUtcNow();
        await using var connection = await store.OpenAsync(cancellationToken);
        // The payment to start is made and committed first (the Kassenzeichen counter is locked only that long, not
        // across the provider's answer), then started under its row lock: two clicks open one provider transaction.
        await using (var prepare = await connection.BeginTransactionAsync(cancellationToken))
        {
            var fee = new SubmissionFee(submission.SubmissionId, submission.TenantId, submission.Reference, submission.ServiceId, submission.FeeAmountCents);
            await store.CreateForSubmissionAsync(prepare, fee, now, cancellationToken);
            var latest = (await store.LockLatestOfSubmissionAsync(prepare, submission.SubmissionId, cancellationToken))!;
            if (latest.State is PaymentState.Failed or PaymentState.Cancelled or PaymentState.Expired)
            {
                await store.CreateNextAttemptAsync(prepare, latest, $"attempt after {latest.State}", now, cancellationToken);
            }

            await prepare.CommitAsync(cancellationToken);
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var payment = (await store.LockLatestOfSubmissionAsync(transaction, submission.SubmissionId, cancellationToken))!;
        if (payment.State == PaymentState.Started && payment.ExpiresAt > now)
        {
            return payment;
        }

        if (payment.State != PaymentState.Created)
        {
            // Succeeded (forms has not heard yet), ended a moment ago, or started and past its time (about to expire).
            throw FieldErrors.Precondition(payment.State is PaymentState.Succeeded or PaymentState.PartiallyRefunded or PaymentState.Refunded
                ? "The fee of this submission is paid."
                : "The last payment is just ending; try again in a minute.");
        }

        var started = await OpenAsync(transaction, payment, settings, provider, returnUrl, "citizen", now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return started;
    }

    /// <summary>
    /// A machine client's payment, created and started once per request id; the same request id with another amount,
    /// description, reference or return URL is refused.
    /// </summary>
    public async Task<StoredPayment> CreateForClientAsync(ClientPaymentRequest request, string clientId, CancellationToken cancellationToken)
    {
        var (settings, provider) = await ProviderOfAsync(request.TenantId, request.ReturnUrl, cancellationToken);
        var now = clock.GetUtcNow();
        await using var connection = await store.OpenAsync(cancellationToken);
        // Created and committed first, started second: when the provider's answer is lost, the retry starts the same
        // payment, so the provider sees the same transaction again (its request id is the payment's id).
        StoredPayment payment;
        await using (var create = await connection.BeginTransactionAsync(cancellationToken))
        {
            payment = await store.CreateForClientAsync(create, request, $"client:{clientId}", now, cancellationToken);
            await create.CommitAsync(cancellationToken);
        }

        if (payment.AmountCents != request.AmountCents || payment.Description != request.Description || payment.Reference != request.Reference
            || payment.RequestedReturnUrl != request.ReturnUrl)
        {
            throw FieldErrors.Conflict($"The request id {request.RequestId} was used for another payment; a new payment needs a new request id.");
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        payment = (await store.ReadAsync(transaction, payment.Id, forUpdate: true, cancellationToken))!;
        if (payment.State == PaymentState.Created)
        {
            payment = await OpenAsync(transaction, payment, settings, provider, request.ReturnUrl, $"client:{clientId}", now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return payment;
    }

    private async Task<(PaymentSettings Settings, IPaymentProvider Provider)> ProviderOfAsync(Guid tenantId, string returnUrl, CancellationToken cancellationToken)
    {
        var settings = await settingsStore.GetAsync(tenantId, cancellationToken);
        var provider = settings is null ? null : providers.Find(settings.Provider);
        if (settings is null || provider is null)
        {
            throw FieldErrors.Precondition("The municipality has not set up online payment.");
        }

        if (settings.ReturnUrlProblem(returnUrl) is { } problem)
        {
            new FieldErrors().Add("return_url", problem).ThrowIfAny();
        }

        return (settings, provider);
    }

    private async Task<StoredPayment> OpenAsync(NpgsqlTransaction transaction, StoredPayment payment, PaymentSettings settings, IPaymentProvider provider,
        string returnUrl, string source, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var session = await provider.StartAsync(payment, settings, returnUrl, cancellationToken);
        return await store.ChangeAsync(transaction, payment, new PaymentChange(PaymentState.Started, source)
        {
            Provider = provider.Name, ProviderReference = session.Reference, NextUrl = session.NextUrl, ReturnUrl = returnUrl,
            ExpiresAt = now + options.Value.ExpiresAfter,
        }, now, cancellationToken);
    }

}
