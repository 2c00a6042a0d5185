using Npgsql;

namespace EfaPlatform.Documents.Documents;

/// <summary>A document as stored: its metadata; the content is in the blob store under <see cref="Sha256"/>.</summary>
public sealed record StoredDocument(
    Guid Id, string OwnerSubject, string FileName, string MediaType, long SizeBytes, string Sha256, string Status, DateTimeOffset CreatedAt);

/// <summary>Document metadata in PostgreSQL; every read is by owner, so nobody reaches another person's document by id.</summary>
public sealed class DocumentStore(NpgsqlDataSource dataSource)
{
    public const string Stored = "stored";
    private const string Columns = "document_id, owner_subject, file_name, media_type, size_bytes, sha256, status, created_at";

    public async Task AddAsync(StoredDocument document, CancellationToken cancellationToken)
    {
        await using var insert = dataSource.CreateCommand($"insert into documents ({Columns}) values ($1, $2, $3, $4, $5, $6, $7, $8)");
        insert.Parameters.AddWithValue(document.Id);
        insert.Parameters.AddWithValue(document.OwnerSubject);
        insert.Parameters.AddWithValue(document.FileName);
        insert.Parameters.AddWithValue(document.MediaType);
        insert.Parameters.AddWithValue(document.SizeBytes);
        insert.Parameters.AddWithValue(document.Sha256);
        insert.Parameters.AddWithValue(document.Status);
        insert.Parameters.AddWithValue(document.CreatedAt);
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<StoredDocument?> FindOwnAsync(string ownerSubject, Guid id, CancellationToken cancellationToken)
    {
        await using var select = dataSource.CreateCommand($"select {Columns} from documents where document_id = $1 and owner_subject = $2");
        select.Parameters.AddWithValue(id);
        select.Parameters.AddWithValue(ownerSubject);
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

    /// <summary>Deletes the owner's document and returns it; null when the owner has no such document.</summary>
    public async Task<StoredDocument?> DeleteOwnAsync(string ownerSubject, Guid id, CancellationToken cancellationToken)
    {
        await using var delete = dataSource.CreateCommand($"delete from documents where document_id = $1 and owner_subject = $2 returning {Columns}");
        delete.Parameters.AddWithValue(id);
        delete.Parameters.AddWithValue(ownerSubject);
        return (await ReadAsync(delete, cancellationToken)).SingleOrDefault();
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
        reader.GetString(6), reader.GetFieldValue<DateTimeOffset>(7));
}
