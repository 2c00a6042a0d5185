using EfaPlatform.Payment.Payments;
using EfaPlatform.ServiceDefaults;
using Npgsql;

namespace EfaPlatform.Payment.Refunds;

public sealed record StoredRefund(Guid Id, Guid PaymentId, long AmountCents, string Reason, DateTimeOffset RefundedAt);

/// <summary>
/// Money of a succeeded payment paid back. The payment row is locked (SELECT … FOR UPDATE) while what is left is
/// computed and the refund booked, so concurrent refunds queue up and their sum never exceeds the amount; the
/// payments table's check constraint would refuse it even so.
/// </summary>
public sealed class PaymentRefunds(PaymentStore store, PaymentEvents events, TimeProvider clock)
{
    /// <param name="mayRefund">Whether the caller may refund payments of the payment's municipality; otherwise it is "not found".</param>
    /// <param name="idempotencyKey">The caller's key: the same key again answers the refund booked under it, whatever Redis still knows.</param>
    public async Task<(StoredRefund Refund, StoredPayment Payment)> RefundAsync(
        Guid paymentId, long amountCents, string reason, string refundedBy, string idempotencyKey, Func<StoredPayment, bool> mayRefund, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await store.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var payment = await store.ReadAsync(transaction, paymentId, forUpdate: true, cancellationToken);
        if (payment is null || !mayRefund(payment))
        {
            throw FieldErrors.NotFound("The payment");
        }

        if (await BookedAsync(connection, transaction, payment.Id, idempotencyKey, cancellationToken) is { } booked)
        {
            return (booked, payment);
        }

        if (payment.State is not (PaymentState.Succeeded or PaymentState.PartiallyRefunded))
        {
            throw FieldErrors.Precondition(payment.State == PaymentState.Refunded
                ? "The payment is refunded in full already."
                : $"Only a paid payment can be refunded; this one is {payment.State}.");
        }

        var left = payment.AmountCents - payment.RefundedCents;
        if (amountCents > left)
        {
            new FieldErrors().Add("amount_cents", $"must be at most {left} (what is left to refund of {payment.AmountCents})", "exceedsRemaining").ThrowIfAny();
        }

        var refund = new StoredRefund(Guid.CreateVersion7(now), payment.Id, amountCents, reason, now);
        await using (var insert = new NpgsqlCommand(
                         "insert into refunds (id, payment_id, amount_cents, reason, refunded_by, refunded_at, idempotency_key) values ($1, $2, $3, $4, $5, $6, $7)", connection, transaction))
        {
            insert.Parameters.AddWithValue(refund.Id);
            insert.Parameters.AddWithValue(payment.Id);
            insert.Parameters.AddWithValue(amountCents);
            insert.Parameters.AddWithValue(reason);
            insert.Parameters.AddWithValue(refundedBy);
            insert.Parameters.AddWithValue(now);
            insert.Parameters.AddWithValue(idempotencyKey);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        var total = payment.RefundedCents + amountCents;
        var changed = await store.ChangeAsync(transaction, payment,
            new PaymentChange(total == payment.AmountCents ? PaymentState.Refunded : PaymentState.PartiallyRefunded, refundedBy) { RefundedCents = total },
            now, cancellationToken);
        await events.AnnounceRefundAsync(transaction, changed, refund.Id, amountCents, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (refund, changed);
    }

    private static async Task<StoredRefund?> BookedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid paymentId, string idempotencyKey,
        CancellationToken cancellationToken)
    {
        await using var select = new NpgsqlCommand(
            "select id, amount_cents, reason, refunded_at from refunds where payment_id = $1 and idempotency_key = $2", connection, transaction);
        select.Parameters.AddWithValue(paymentId);
        select.Parameters.AddWithValue(idempotencyKey);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new StoredRefund(reader.GetGuid(0), paymentId, reader.GetInt64(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3))
            : null;
    }
}
