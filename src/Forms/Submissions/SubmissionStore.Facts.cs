using Npgsql;

namespace EfaPlatform.Forms.Submissions;

/// <summary>What payment and routing report about submissions, recorded in any order (see migration 0004).</summary>
public sealed partial class SubmissionStore
{
    /// <summary>
    /// Records what payment or routing reported (<see cref="SubmissionStatus.Facts"/>) inside <paramref name="transaction"/>,
    /// then moves the status as far as the recorded facts allow, one legal step at a time, each with the time it happened.
    /// </summary>
    /// <returns>False when the submission does not exist or the fact was known already.</returns>
    public async Task<bool> RecordFactAsync(NpgsqlTransaction transaction, Guid id, string fact, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var status = await LockStatusAsync(transaction, id, cancellationToken);
        if (status is null || await ExecuteAsync(transaction, """
                insert into submission_facts (submission_id, fact, occurred_at) values ($1, $2, $3) on conflict do nothing
                """, cancellationToken, id, fact, at) == 0)
        {
            return false;
        }

        var pending = new List<(string Fact, DateTimeOffset At)>();
        await using (var select = new NpgsqlCommand("select fact, occurred_at from submission_facts where submission_id = $1 and not applied",
                         transaction.Connection, transaction))
        {
            select.Parameters.AddWithValue(id);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                pending.Add((reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1)));
            }
        }

        pending.Sort((a, b) => SubmissionStatus.StepOf(a.Fact).CompareTo(SubmissionStatus.StepOf(b.Fact)));
        var position = await HistoryLengthAsync(transaction, id, cancellationToken);
        // Each round applies the earliest recorded fact the current status allows, until none is left that it allows.
        for (var next = pending.FindIndex(p => SubmissionStatus.CanMove(status, p.Fact)); next >= 0; next = pending.FindIndex(p => SubmissionStatus.CanMove(status, p.Fact)))
        {
            var (step, happenedAt) = pending[next];
            pending.RemoveAt(next);
            status = step;
            await ExecuteAsync(transaction, "update submissions set status = $2, updated_at = $3 where id = $1", cancellationToken, id, status, clock.GetUtcNow());
            await ExecuteAsync(transaction, "update submission_facts set applied = true where submission_id = $1 and fact = $2", cancellationToken, id, status);
            await AppendHistoryAsync(transaction, id, position++, status, "", happenedAt, cancellationToken);
        }

        return true;
    }

    private static async Task<string?> LockStatusAsync(NpgsqlTransaction transaction, Guid id, CancellationToken cancellationToken)
    {
        await using var select = new NpgsqlCommand("select status from submissions where id = $1 for update", transaction.Connection, transaction);
        select.Parameters.AddWithValue(id);
        return await select.ExecuteScalarAsync(cancellationToken) as string;
    }

    private static async Task<bool> HasRoutingFactAsync(NpgsqlTransaction transaction, Guid id, CancellationToken cancellationToken)
    {
        await using var select = new NpgsqlCommand("select exists (select 1 from submission_facts where submission_id = $1 and fact <> $2)",
            transaction.Connection, transaction);
        select.Parameters.AddWithValue(id);
        select.Parameters.AddWithValue(SubmissionStatus.Paid);
        return (bool)(await select.ExecuteScalarAsync(cancellationToken))!;
    }
}
