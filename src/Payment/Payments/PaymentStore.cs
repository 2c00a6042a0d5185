using EfaPlatform.Payment.Kassenzeichen;
using Npgsql;

namespace EfaPlatform.Payment.Payments;

/// <summary>Payments in PostgreSQL, each with the history of its states.</summary>
public sealed class PaymentStore(NpgsqlDataSource dataSource, KassenzeichenIssuer kassenzeichen)
{
    private const string Columns = "id, tenant_id, submission_id, reference, kassenzeichen, description, amount_cents, currency, state, version, created_at";

    /// <summary>
    /// The payment of a submission's fee, created in <paramref name="transaction"/> unless the submission has one already;
    /// null when it had.
    /// </summary>
    public async Task<Guid?> CreateForSubmissionAsync(NpgsqlTransaction transaction, SubmissionFee fee, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using (var exists = new NpgsqlCommand("select 1 from payments where submission_id = $1", transaction.Connection, transaction))
        {
            exists.Parameters.AddWithValue(fee.SubmissionId);
            if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
            {
                return null;
            }
        }

        var id = Guid.CreateVersion7(now);
        var cashReference = await kassenzeichen.NextAsync(transaction, fee.TenantId, now.Year, cancellationToken);
        await using var batch = new NpgsqlBatch(transaction.Connection, transaction)
        {
            BatchCommands =
            {
                Command($"insert into payments ({Columns}, updated_at) values ($1, $2, $3, $4, $5, $6, $7, 'EUR', $8, 1, $9, $9)",
                    id, fee.TenantId, fee.SubmissionId, fee.Reference, cashReference, Description(fee), fee.AmountCents, PaymentState.Created, now),
                Command("insert into payment_history (payment_id, position, state, changed_at, source) values ($1, 0, $2, $3, $4)",
                    id, PaymentState.Created, now, "submission.submitted"),
            },
        };
        await batch.ExecuteNonQueryAsync(cancellationToken);
        return id;
    }

    /// <summary>The current payment of a submission: the latest one (a failed or expired payment is followed by a new one).</summary>
    public async Task<StoredPayment?> ForSubmissionAsync(Guid submissionId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var select = new NpgsqlCommand($"select {Columns} from payments where submission_id = $1 order by created_at desc limit 1", connection);
        select.Parameters.AddWithValue(submissionId);
        StoredPayment? payment;
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            payment = await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
        }

        return payment is null ? null : payment with { History = await HistoryAsync(connection, payment.Id, cancellationToken) };
    }

    private static async Task<IReadOnlyList<PaymentStateEntry>> HistoryAsync(NpgsqlConnection connection, Guid paymentId, CancellationToken cancellationToken)
    {
        await using var select = new NpgsqlCommand("select state, changed_at, source from payment_history where payment_id = $1 order by position", connection);
        select.Parameters.AddWithValue(paymentId);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var history = new List<PaymentStateEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            history.Add(new PaymentStateEntry(reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2)));
        }

        return history;
    }

    /// <summary>What the citizen sees on the provider's page and the treasury in its booking text.</summary>
    private static string Description(SubmissionFee fee) => $"Gebühr {fee.ServiceId}, Antrag {fee.Reference}";

    private static StoredPayment Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0), reader.GetGuid(1), reader.IsDBNull(2) ? null : reader.GetGuid(2), reader.GetString(3), reader.GetString(4),
        reader.GetString(5), reader.GetInt64(6), reader.GetString(7), reader.GetString(8), reader.GetInt32(9),
        reader.GetFieldValue<DateTimeOffset>(10), []);

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }
}
