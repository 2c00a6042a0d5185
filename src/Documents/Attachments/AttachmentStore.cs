using EfaPlatform.Contracts.Documents.V1;
using EfaPlatform.Documents.Documents;
using Npgsql;

namespace EfaPlatform.Documents.Attachments;

/// <summary>
/// Documents held for a submission forms is storing, and attached once it is stored. Holding is all or nothing: when
/// one answer fails its field's rules, no document is held.
/// </summary>
public sealed class AttachmentStore(NpgsqlDataSource dataSource)
{
    /// <returns>The answers that cannot be attached; empty when every document is now held for the submission.</returns>
    public async Task<IReadOnlyList<AttachmentProblem>> ReserveAsync(
        string ownerSubject, Guid submissionId, Guid tenantId, IReadOnlyList<(AttachmentCheck Check, Guid DocumentId)> checks, long platformMaxBytes,
        DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // "for share": a delete of one of these documents waits until the reservation is committed, and then sees it.
        await using var select = new NpgsqlCommand(
            "select document_id, media_type, size_bytes, status from documents where owner_subject = $1 and document_id = any($2) for share",
            connection, transaction);
        select.Parameters.AddWithValue(ownerSubject);
        select.Parameters.AddWithValue(checks.Select(c => c.DocumentId).Distinct().ToArray());
        var found = new Dictionary<Guid, (string MediaType, long Size, string Status)>();
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                found[reader.GetGuid(0)] = (reader.GetString(1), reader.GetInt64(2), reader.GetString(3));
            }
        }

        var named = new HashSet<Guid>();
        var problems = checks
            .Select(c => named.Add(c.DocumentId) || c.DocumentId == Guid.Empty
                ? Problem(c.Check, found.TryGetValue(c.DocumentId, out var document) ? document : null, platformMaxBytes)
                : new AttachmentProblem { FieldPath = c.Check.FieldPath, Code = "attachmentRepeated", Reason = "names a document another answer already names" })
            .OfType<AttachmentProblem>().ToList();
        if (problems.Count > 0 || checks.Count == 0)
        {
            return problems;
        }

        await using var insert = new NpgsqlCommand("""
            insert into document_reservations (document_id, submission_id, tenant_id, field_path, reserved_until)
            select document_id, $2, $3, field_path, $5 from unnest($1::uuid[], $4::text[]) as held (document_id, field_path)
            on conflict (submission_id, document_id) do update set reserved_until = excluded.reserved_until, field_path = excluded.field_path
            """, connection, transaction);
        insert.Parameters.AddWithValue(checks.Select(c => c.DocumentId).ToArray());
        insert.Parameters.AddWithValue(submissionId);
        insert.Parameters.AddWithValue(tenantId);
        insert.Parameters.AddWithValue(checks.Select(c => c.Check.FieldPath).ToArray());
        insert.Parameters.AddWithValue(until);
        await insert.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return [];
    }

    /// <summary>Attaches what was held for the submission; a second call for the same submission changes nothing.</summary>
    /// <returns>How many documents were attached now.</returns>
    public static async Task<int> AttachAsync(NpgsqlTransaction transaction, Guid submissionId, Guid tenantId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var attach = new NpgsqlCommand("""
            with held as (delete from document_reservations where submission_id = $1 and tenant_id = $2 returning document_id, field_path)
            insert into document_attachments (document_id, submission_id, tenant_id, field_path, attached_at)
            select document_id, $1, $2, field_path, $3 from held
            on conflict (submission_id, document_id) do nothing
            """, transaction.Connection, transaction);
        attach.Parameters.AddWithValue(submissionId);
        attach.Parameters.AddWithValue(tenantId);
        attach.Parameters.AddWithValue(at);
        return await attach.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The submission was decided or withdrawn: its documents' retention period runs from <paramref name="at"/> (the first such event counts).</summary>
    public static async Task CloseAsync(NpgsqlTransaction transaction, Guid submissionId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var close = new NpgsqlCommand(
            "update document_attachments set closed_at = $2 where submission_id = $1 and closed_at is null", transaction.Connection, transaction);
        close.Parameters.AddWithValue(submissionId);
        close.Parameters.AddWithValue(at);
        await close.ExecuteNonQueryAsync(cancellationToken);
    }

    private static AttachmentProblem? Problem(AttachmentCheck check, (string MediaType, long Size, string Status)? document, long platformMaxBytes)
    {
        var maxBytes = check.MaxBytes > 0 ? Math.Min(check.MaxBytes, platformMaxBytes) : platformMaxBytes;
        var (code, reason) = document switch
        {
            null => ("attachmentUnknown", "names no document of yours"),
            { Status: DocumentStatus.PendingScan } => ("attachmentNotScanned", "is not scanned for malware yet; try again in a moment"),
            { Status: DocumentStatus.Infected } => ("attachmentInfected", "contains malware and is quarantined; upload another file"),
            { Status: not DocumentStatus.Clean } => ("attachmentNotScanned", "could not be scanned for malware; upload the file again"),
            { MediaType: var type } when check.MediaTypes.Count > 0 && !check.MediaTypes.Contains(type) =>
                ("attachmentMediaType", $"is {type}; this field takes {string.Join(", ", check.MediaTypes)}"),
            { Size: var size } when size > maxBytes => ("attachmentTooLarge", $"has {size} bytes; this field takes at most {maxBytes}"),
            _ => (null, null),
        };
        return code is null ? null : new AttachmentProblem { FieldPath = check.FieldPath, Code = code, Reason = reason };
    }
}
