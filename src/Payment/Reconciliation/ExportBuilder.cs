using EfaPlatform.Contracts.Payment.V1;
using Google.Protobuf.WellKnownTypes;
using Npgsql;

namespace EfaPlatform.Payment.Reconciliation;

/// <summary>
/// Collects a municipality's bookings of one day (Europe/Berlin, the treasury's day) up to a cutoff: every payment
/// received (at the provider's confirmation) and every refund paid back, oldest first.
/// </summary>
public sealed class ExportBuilder(NpgsqlDataSource dataSource)
{
    /// <summary>A booking committed with a time just before the day's end may still be on its way: a day is over a minute after it ends.</summary>
    public static readonly TimeSpan Settling = TimeSpan.FromMinutes(1);

    public async Task<Export> BuildAsync(Guid tenantId, DateOnly day, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var (start, end) = TreasuryCalendar.DayOf(day);
        var until = cutoff < end ? cutoff : end;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var select = new NpgsqlCommand("""
            select 'payment', id, null::uuid, kassenzeichen, reference, amount_cents, coalesce(provider_reference, ''), paid_at as booked_at
            from payments where tenant_id = $1 and paid_at >= $2 and paid_at < $3
            union all
            select 'refund', p.id, r.id, p.kassenzeichen, p.reference, -r.amount_cents, coalesce(p.provider_reference, ''), r.refunded_at
            from refunds r join payments p on p.id = r.payment_id
            where p.tenant_id = $1 and r.refunded_at >= $2 and r.refunded_at < $3
            order by booked_at, 2, 3 nulls first
            """, connection);
        select.Parameters.AddWithValue(tenantId);
        // PostgreSQL takes timestamptz parameters in UTC only.
        select.Parameters.AddWithValue(start.ToUniversalTime());
        select.Parameters.AddWithValue(until.ToUniversalTime());
        var export = new Export
        {
            TenantId = tenantId.ToString(), Date = day.ToString("yyyy-MM-dd"), Cutoff = Timestamp.FromDateTimeOffset(until), Complete = cutoff >= end + Settling,
        };
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var booking = new Booking
            {
                Kind = reader.GetString(0), PaymentId = reader.GetGuid(1).ToString(), RefundId = reader.IsDBNull(2) ? "" : reader.GetGuid(2).ToString(),
                Kassenzeichen = reader.GetString(3), Reference = reader.GetString(4), AmountCents = reader.GetInt64(5), ProviderReference = reader.GetString(6),
                BookedAt = Timestamp.FromDateTimeOffset(reader.GetFieldValue<DateTimeOffset>(7)),
            };
            export.Bookings.Add(booking);
            if (booking.AmountCents > 0)
            {
                export.ReceivedCents += booking.AmountCents;
            }
            else
            {
                export.RefundedCents -= booking.AmountCents;
            }
        }

        export.NetCents = export.ReceivedCents - export.RefundedCents;
        return export;
    }
}
