using Npgsql;

namespace EfaPlatform.Documents.Uploads;

/// <summary>
/// A resumable upload as recorded: <see cref="OwnerSubject"/> (the person or client) alone resumes it, and it becomes a
/// document of <see cref="DocumentOwner"/>; <see cref="DocumentId"/> is set once it is complete.
/// </summary>
public sealed record ResumableUpload(
    Guid Id, string OwnerSubject, string FileName, long Length, long Offset, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, Guid? DocumentId,
    string DocumentOwner);

/// <summary>Resumable uploads in PostgreSQL; every read is by owner.</summary>
public sealed class ResumableUploadStore(NpgsqlDataSource dataSource)
{
    private const string Columns = "upload_id, owner_subject, file_name, upload_length, upload_offset, created_at, expires_at, document_id, document_owner";

    /// <returns>False when the owner already has <paramref name="maxUnfinished"/> unfinished uploads.</returns>
    public async Task<bool> CreateAsync(ResumableUpload upload, int maxUnfinished, CancellationToken cancellationToken)
    {
        await using var insert = dataSource.CreateCommand($"""
            insert into resumable_uploads ({Columns})
            select $1, $2, $3, $4, 0, $5, $6, null, $8
            where (select count(*) from resumable_uploads where owner_subject = $2 and document_id is null and expires_at > $5) < $7
            """);
        insert.Parameters.AddWithValue(upload.Id);
        insert.Parameters.AddWithValue(upload.OwnerSubject);
        insert.Parameters.AddWithValue(upload.FileName);
        insert.Parameters.AddWithValue(upload.Length);
        insert.Parameters.AddWithValue(upload.CreatedAt);
        insert.Parameters.AddWithValue(upload.ExpiresAt);
        insert.Parameters.AddWithValue(maxUnfinished);
        insert.Parameters.AddWithValue(upload.DocumentOwner);
        return await insert.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<ResumableUpload?> FindOwnAsync(string ownerSubject, Guid id, CancellationToken cancellationToken)
    {
        await using var select = dataSource.CreateCommand($"select {Columns} from resumable_uploads where upload_id = $1 and owner_subject = $2");
        select.Parameters.AddWithValue(id);
        select.Parameters.AddWithValue(ownerSubject);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new ResumableUpload(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt64(4),
                reader.GetFieldValue<DateTimeOffset>(5), reader.GetFieldValue<DateTimeOffset>(6), reader.IsDBNull(7) ? null : reader.GetGuid(7),
                reader.GetString(8))
            : null;
    }

    /// <summary>
    /// A session lock on the upload for one append (released when the connection is given back, also by a crash), so
    /// that two requests never append to one upload at once. Null when another request holds it.
    /// </summary>
    public async Task<NpgsqlConnection?> TryLockAsync(Guid id, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tryLock = new NpgsqlCommand("select pg_try_advisory_lock($1)", connection);
        tryLock.Parameters.AddWithValue(BitConverter.ToInt64(id.ToByteArray(), 8));
        if ((bool)(await tryLock.ExecuteScalarAsync(cancellationToken))!)
        {
            return connection;
        }

        await connection.DisposeAsync();
        return null;
    }

    public static async Task UnlockAsync(NpgsqlConnection connection, Guid id)
    {
        await using var unlock = new NpgsqlCommand("select pg_advisory_unlock($1)", connection);
        unlock.Parameters.AddWithValue(BitConverter.ToInt64(id.ToByteArray(), 8));
        await unlock.ExecuteScalarAsync();
        await connection.DisposeAsync();
    }

    public async Task SetOffsetAsync(Guid id, long offset, DateTimeOffset expiresAt)
    {
        // Not cancellable: the bytes are on disk, and a client that broke off will ask for this offset next.
        await using var update = dataSource.CreateCommand("update resumable_uploads set upload_offset = $2, expires_at = $3 where upload_id = $1");
        update.Parameters.AddWithValue(id);
        update.Parameters.AddWithValue(offset);
        update.Parameters.AddWithValue(expiresAt);
        await update.ExecuteNonQueryAsync();
    }

    public async Task CompleteAsync(Guid id, Guid documentId)
    {
        await using var update = dataSource.CreateCommand("update resumable_uploads set document_id = $2 where upload_id = $1");
        update.Parameters.AddWithValue(id);
        update.Parameters.AddWithValue(documentId);
        await update.ExecuteNonQueryAsync();
    }

    public async Task DeleteAsync(Guid id)
    {
        await using var delete = dataSource.CreateCommand("delete from resumable_uploads where upload_id = $1");
        delete.Parameters.AddWithValue(id);
        await delete.ExecuteNonQueryAsync();
    }

    /// <summary>Deletes uploads past their expiry (finished ones a day after) and returns their ids, for their bytes to go too.</summary>
    public async Task<IReadOnlyList<Guid>> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var delete = dataSource.CreateCommand("delete from resumable_uploads where expires_at <= $1 returning upload_id");
        delete.Parameters.AddWithValue(now);
        var ids = new List<Guid>();
        await using var reader = await delete.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    /// <summary>Which of these uploads still have a row.</summary>
    public async Task<HashSet<Guid>> ExistingAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        await using var select = dataSource.CreateCommand("select upload_id from resumable_uploads where upload_id = any($1)");
        select.Parameters.AddWithValue(ids.ToArray());
        var existing = new HashSet<Guid>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            existing.Add(reader.GetGuid(0));
        }

        return existing;
    }
}
