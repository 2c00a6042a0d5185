using Npgsql;

namespace EfaPlatform.Documents.Retention;

/// <summary>The sweeper's queries: what has expired, and whether any document still refers to a content.</summary>
public sealed class RetentionStore(NpgsqlDataSource dataSource)
{
    /// <summary>Deletes uploads created before <paramref name="createdBefore"/> that are attached to nothing, held for nothing and sent in no message.</summary>
    public async Task<int> DeleteUnattachedAsync(DateTimeOffset createdBefore, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var delete = dataSource.CreateCommand("""
            delete from documents d where created_at < $1
              and not exists (select 1 from document_attachments a where a.document_id = d.document_id)
              and not exists (select 1 from message_documents md where md.document_id = d.document_id)
              and not exists (select 1 from document_reservations r where r.document_id = d.document_id and r.reserved_until > $2)
            """);
        delete.Parameters.AddWithValue(createdBefore);
        delete.Parameters.AddWithValue(now);
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
}
