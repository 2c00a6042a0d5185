using EfaPlatform.Documents.Documents;
using Npgsql;

namespace EfaPlatform.Documents.Retention;

/// <summary>
/// Retention in PostgreSQL: what has expired (for the sweeper), whether a document still refers to a content, each
/// tenant's retention period, and a citizen's erasure.
/// </summary>
public sealed class RetentionStore(NpgsqlDataSource dataSource)
{
    /// <summary>Deletes uploads created before <paramref name="createdBefore"/> that are attached to nothing, held for nothing and sent in no message.</summary>
    public async Task<int> DeleteUnattachedAsync(DateTimeOffset createdBefore, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var delete = dataSource.CreateCommand($"delete from documents d where created_at < $1 and {DocumentStore.NothingKeeps("$2")}");
        delete.Parameters.AddWithValue(createdBefore);
        delete.Parameters.AddWithValue(now);
        return await delete.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Ends the attachments whose submission was decided or withdrawn longer ago than its tenant's retention period
    /// (<paramref name="defaultRetention"/> for a tenant without one); their documents then go as unattached ones.
    /// </summary>
    public async Task<int> DeleteExpiredAttachmentsAsync(DateTimeOffset now, TimeSpan defaultRetention, CancellationToken cancellationToken)
    {
        await using var delete = dataSource.CreateCommand("""
            delete from document_attachments a
            where a.closed_at is not null and a.closed_at < $1 - coalesce(
                (select make_interval(days => r.retention_days) from tenant_retention r where r.tenant_id = a.tenant_id), $2)
            """);
        delete.Parameters.AddWithValue(now);
        delete.Parameters.AddWithValue(defaultRetention);
        return await delete.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Holds of submissions forms never announced (it failed after checking them) end here.</summary>
    public async Task<int> DeleteExpiredReservationsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var delete = dataSource.CreateCommand("delete from document_reservations where reserved_until <= $1");
        delete.Parameters.AddWithValue(now);
        return await delete.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Which of these contents some document refers to.</summary>
    public async Task<HashSet<string>> ReferencedAsync(IReadOnlyCollection<string> sha256s, CancellationToken cancellationToken)
    {
        await using var select = dataSource.CreateCommand("select distinct sha256 from documents where sha256 = any($1)");
        select.Parameters.AddWithValue(sha256s.ToArray());
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            referenced.Add(reader.GetString(0));
        }

        return referenced;
    }

    /// <summary>The tenant's own retention period in days; null when it uses the platform's default.</summary>
    public async Task<int?> RetentionDaysAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        await using var select = dataSource.CreateCommand("select retention_days from tenant_retention where tenant_id = $1");
        select.Parameters.AddWithValue(tenantId);
        return await select.ExecuteScalarAsync(cancellationToken) as int?;
    }

    public async Task SetRetentionDaysAsync(Guid tenantId, int days, string updatedBy, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var upsert = dataSource.CreateCommand("""
            insert into tenant_retention (tenant_id, retention_days, updated_by, updated_at) values ($1, $2, $3, $4)
            on conflict (tenant_id) do update set retention_days = excluded.retention_days, updated_by = excluded.updated_by, updated_at = excluded.updated_at
            """);
        upsert.Parameters.AddWithValue(tenantId);
        upsert.Parameters.AddWithValue(days);
        upsert.Parameters.AddWithValue(updatedBy);
        upsert.Parameters.AddWithValue(at);
        await upsert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Deletes the owner's documents that nothing keeps: not attached, not held for a submission, in no message.</summary>
    public async Task<int> EraseAsync(string ownerSubject, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var delete = dataSource.CreateCommand($"delete from documents d where owner_subject = $1 and {DocumentStore.NothingKeeps("$2")}");
        delete.Parameters.AddWithValue(ownerSubject);
        delete.Parameters.AddWithValue(now);
        return await delete.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Why the owner's remaining documents are kept: the submissions they are attached to, or a hold.</summary>
    public async Task<IReadOnlyList<(Guid DocumentId, Guid? SubmissionId, DateTimeOffset? ClosedAt, int? RetentionDays)>> KeptAsync(
        string ownerSubject, CancellationToken cancellationToken)
    {
        await using var select = dataSource.CreateCommand("""
            select d.document_id, a.submission_id, a.closed_at, r.retention_days from documents d
            left join document_attachments a on a.document_id = d.document_id
            left join tenant_retention r on r.tenant_id = a.tenant_id
            where d.owner_subject = $1 order by d.document_id, a.submission_id
            """);
        select.Parameters.AddWithValue(ownerSubject);
        var kept = new List<(Guid, Guid?, DateTimeOffset?, int?)>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            kept.Add((reader.GetGuid(0), reader.IsDBNull(1) ? null : reader.GetGuid(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
                reader.IsDBNull(3) ? null : reader.GetInt32(3)));
        }

        return kept;
    }
}
