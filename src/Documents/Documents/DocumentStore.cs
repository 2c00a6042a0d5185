using Npgsql;

namespace EfaPlatform.Documents.Documents;

/// <summary>A document as stored: its metadata; the content is in the blob store under <see cref="Sha256"/>.</summary>
public sealed record StoredDocument(
    Guid Id, string OwnerSubject, string FileName, string MediaType, long SizeBytes, string Sha256, string Status, DateTimeOffset CreatedAt,
    DateTimeOffset? ScannedAt = null, string? Threat = null);

/// <summary>
/// Document metadata in PostgreSQL. Every read names who reads (an owner, or a <see cref="DocumentReader"/>), so
/// nobody reaches another person's document by id; <see cref="FindAsync"/> is for callers that decided access already.
/// </summary>
public sealed class DocumentStore(NpgsqlDataSource dataSource)
{
    private const string Columns = "document_id, owner_subject, file_name, media_type, size_bytes, sha256, status, created_at, scanned_at, threat";

    /// <summary>
    /// The condition that nothing keeps the document <c>d</c>: attached to no submission, held for none after
    /// <paramref name="now"/> (an SQL expression), sent in no message. Only then may it be deleted.
    /// </summary>
    public static string NothingKeeps(string now) => $"""
        not exists (select 1 from document_attachments a where a.document_id = d.document_id)
          and not exists (select 1 from message_documents md where md.document_id = d.document_id)
          and not exists (select 1 from document_reservations r where r.document_id = d.document_id and r.reserved_until > {now})
        """;

    public async Task AddAsync(StoredDocument document, CancellationToken cancellationToken)
    {
        await using var insert = dataSource.CreateCommand($"insert into documents ({Columns}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)");
        insert.Parameters.AddWithValue(document.Id);
        insert.Parameters.AddWithValue(document.OwnerSubject);
        insert.Parameters.AddWithValue(document.FileName);
        insert.Parameters.AddWithValue(document.MediaType);
        insert.Parameters.AddWithValue(document.SizeBytes);
        insert.Parameters.AddWithValue(document.Sha256);
        insert.Parameters.AddWithValue(document.Status);
        insert.Parameters.AddWithValue(document.CreatedAt);
        insert.Parameters.Add(new NpgsqlParameter { Value = document.ScannedAt is { } scanned ? scanned : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        insert.Parameters.Add(new NpgsqlParameter { Value = (object?)document.Threat ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<StoredDocument?> FindOwnAsync(string ownerSubject, Guid id, CancellationToken cancellationToken)
    {
        await using var select = dataSource.CreateCommand($"select {Columns} from documents where document_id = $1 and owner_subject = $2");
        select.Parameters.AddWithValue(id);
        select.Parameters.AddWithValue(ownerSubject);
        return (await ReadAsync(select, cancellationToken)).SingleOrDefault();
    }

    /// <summary>A document by id, for whom the caller's access was already decided (a message's documents).</summary>
    public async Task<StoredDocument?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var select = dataSource.CreateCommand($"select {Columns} from documents where document_id = $1");
        select.Parameters.AddWithValue(id);
        return (await ReadAsync(select, cancellationToken)).SingleOrDefault();
    }

    /// <summary>A document the reader may see (<see cref="DocumentReader"/>); null for any other, whether it exists or not.</summary>
    public async Task<StoredDocument?> FindReadableAsync(DocumentReader reader, Guid id, CancellationToken cancellationToken)
    {
        if (reader is { OwnerSubject: null, Tenant: null, AnyTenant: false })
        {
            return null;
        }

        await using var select = dataSource.CreateCommand($"""
            select {Columns} from documents d where document_id = $1 and (owner_subject = $2 or owner_subject = 'tenant:' || $3::text
              or exists (select 1 from document_attachments a where a.document_id = d.document_id and ($4 or a.tenant_id = $3))
              or exists (select 1 from message_documents md join messages m on m.message_id = md.message_id
                         where md.document_id = d.document_id and m.recipient_subject = $2))
            """);
        select.Parameters.AddWithValue(id);
        select.Parameters.Add(new NpgsqlParameter { Value = (object?)reader.OwnerSubject ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        select.Parameters.Add(new NpgsqlParameter { Value = reader.Tenant is { } tenant ? tenant : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        select.Parameters.AddWithValue(reader.AnyTenant);
        return (await ReadAsync(select, cancellationToken)).SingleOrDefault();
    }

    /// <summary>The owner's documents, newest first, after (<paramref name="afterCreatedAt"/>, <paramref name="afterId"/>) when given.</summary>
    public async Task<IReadOnlyList<StoredDocument>> ListOwnAsync(
        string ownerSubject, DateTimeOffset? afterCreatedAt, Guid afterId, int count, CancellationToken cancellationToken)
    {
        await using var select = dataSource.CreateCommand($"""
            select {Columns} from documents
            where owner_subject = $1 and ($2::timestamptz is null or (created_at, document_id) < ($2, $3))
            order by created_at desc, document_id desc limit $4
            """);
        select.Parameters.AddWithValue(ownerSubject);
        select.Parameters.Add(new NpgsqlParameter { Value = afterCreatedAt is { } after ? after : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        select.Parameters.AddWithValue(afterId);
        select.Parameters.AddWithValue(count);
        return await ReadAsync(select, cancellationToken);
    }

    /// <summary>
    /// Deletes the owner's document and returns it, unless something keeps it (<see cref="NothingKeeps"/>); null when
    /// nothing was deleted.
    /// </summary>
    public async Task<StoredDocument?> DeleteOwnIfNothingKeepsAsync(string ownerSubject, Guid id, CancellationToken cancellationToken)
    {
        await using var delete = dataSource.CreateCommand($"""
            delete from documents d where document_id = $1 and owner_subject = $2 and {NothingKeeps("now()")}
            returning {Columns}
            """);
        delete.Parameters.AddWithValue(id);
        delete.Parameters.AddWithValue(ownerSubject);
        return (await ReadAsync(delete, cancellationToken)).SingleOrDefault();
    }

    /// <summary>Contents some document waits for a scan of, the longest waiting first; one scan answers for every document of that content.</summary>
    public async Task<IReadOnlyList<string>> ListWaitingForScanAsync(int count, CancellationToken cancellationToken)
    {
        await using var select = dataSource.CreateCommand(
            "select sha256 from documents where status = 'pending_scan' group by sha256 order by min(created_at) limit $1");
        select.Parameters.AddWithValue(count);
        var hashes = new List<string>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            hashes.Add(reader.GetString(0));
        }

        return hashes;
    }

    /// <summary>The scan's verdict for every document of this content that waited for it.</summary>
    public async Task RecordScanAsync(string sha256, string status, string? threat, DateTimeOffset scannedAt, CancellationToken cancellationToken)
    {
        await using var update = dataSource.CreateCommand(
            "update documents set status = $2, threat = $3, scanned_at = $4 where sha256 = $1 and status = 'pending_scan'");
        update.Parameters.AddWithValue(sha256);
        update.Parameters.AddWithValue(status);
        update.Parameters.Add(new NpgsqlParameter { Value = (object?)threat ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        update.Parameters.AddWithValue(scannedAt);
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<List<StoredDocument>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<StoredDocument>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(Read(reader));
        }

        return rows;
    }

    private static StoredDocument Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4), reader.GetString(5),
        reader.GetString(6), reader.GetFieldValue<DateTimeOffset>(7),
        reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8), reader.IsDBNull(9) ? null : reader.GetString(9));
}
