using EfaPlatform.Contracts.Events.V1;
using EfaPlatform.Documents.Documents;
using EfaPlatform.Messaging.Outbox;
using Google.Protobuf.WellKnownTypes;
using Npgsql;
using NpgsqlTypes;

namespace EfaPlatform.Documents.Mailbox;

public sealed record StoredMessage(
    Guid Id, Guid TenantId, string RecipientSubject, string Subject, string Body, Guid? SubmissionId, string SentBy, DateTimeOffset SentAt,
    DateTimeOffset? ReadAt, IReadOnlyList<Guid> DocumentIds);

/// <summary>Messages and their documents; every change goes out as an event through the outbox, in the same transaction.</summary>
public sealed class MailboxStore(NpgsqlDataSource dataSource, EventOutbox outbox)
{
    private const string Columns = """
        m.message_id, m.tenant_id, m.recipient_subject, m.subject, m.body, m.submission_id, m.sent_by, m.sent_at, m.read_at,
        array(select md.document_id from message_documents md where md.message_id = m.message_id order by md.document_id)
        """;

    /// <returns>The ids of documents that are not the tenant's clean documents (nothing is sent then).</returns>
    public async Task<IReadOnlyList<Guid>> SendAsync(StoredMessage message, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var select = new NpgsqlCommand(
            "select document_id from documents where owner_subject = $1 and document_id = any($2) and status = 'clean' for share", connection, transaction);
        select.Parameters.AddWithValue(DocumentReader.TenantOwner(message.TenantId));
        select.Parameters.AddWithValue(message.DocumentIds.ToArray());
        var usable = new HashSet<Guid>();
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                usable.Add(reader.GetGuid(0));
            }
        }

        var unusable = message.DocumentIds.Where(id => !usable.Contains(id)).ToList();
        if (unusable.Count > 0)
        {
            return unusable;
        }

        await using var insert = new NpgsqlCommand("""
            with sent as (
                insert into messages (message_id, tenant_id, recipient_subject, subject, body, submission_id, sent_by, sent_at)
                values ($1, $2, $3, $4, $5, $6, $7, $8) returning message_id)
            insert into message_documents (message_id, document_id) select message_id, unnest($9::uuid[]) from sent
            """, connection, transaction);
        insert.Parameters.AddWithValue(message.Id);
        insert.Parameters.AddWithValue(message.TenantId);
        insert.Parameters.AddWithValue(message.RecipientSubject);
        insert.Parameters.AddWithValue(message.Subject);
        insert.Parameters.AddWithValue(message.Body);
        insert.Parameters.Add(new NpgsqlParameter { Value = message.SubmissionId is { } submission ? submission : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        insert.Parameters.AddWithValue(message.SentBy);
        insert.Parameters.AddWithValue(message.SentAt);
        insert.Parameters.AddWithValue(message.DocumentIds.ToArray());
        await insert.ExecuteNonQueryAsync(cancellationToken);
        var issued = new DocumentIssued
        {
            MessageId = message.Id.ToString(), TenantId = message.TenantId.ToString(), SubmissionId = message.SubmissionId?.ToString() ?? "",
            IssuedAt = Timestamp.FromDateTimeOffset(message.SentAt),
        };
        issued.DocumentIds.AddRange(message.DocumentIds.Select(id => id.ToString()));
        await outbox.AddAsync(transaction, issued, message.Id.ToString(), cancellationToken: cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return [];
    }

    /// <summary>The recipient's messages, unread first, then newest; after the given position when there is one.</summary>
    public async Task<IReadOnlyList<StoredMessage>> ListAsync(string recipient, MessagePosition? after, int count, CancellationToken cancellationToken)
    {
        await using var select = dataSource.CreateCommand($"""
            select {Columns} from messages m
            where m.recipient_subject = $1
              and ($2::int is null or ((case when m.read_at is null then 1 else 0 end), m.sent_at, m.message_id) < ($2, $3, $4))
            order by (m.read_at is null) desc, m.sent_at desc, m.message_id desc limit $5
            """);
        select.Parameters.AddWithValue(recipient);
        select.Parameters.Add(new NpgsqlParameter { Value = after is null ? DBNull.Value : after.Unread ? 1 : 0, NpgsqlDbType = NpgsqlDbType.Integer });
        select.Parameters.Add(new NpgsqlParameter { Value = after?.SentAt ?? (object)DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        select.Parameters.Add(new NpgsqlParameter { Value = after?.Id ?? Guid.Empty, NpgsqlDbType = NpgsqlDbType.Uuid });
        select.Parameters.AddWithValue(count);
        return await ReadAsync(select, cancellationToken);
    }

    /// <summary>The recipient's message; the first reading records the read receipt and its event. Null for anybody else's.</summary>
    public async Task<StoredMessage?> ReadAsync(string recipient, Guid id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var mark = new NpgsqlCommand(
            "update messages set read_at = $3 where message_id = $1 and recipient_subject = $2 and read_at is null returning tenant_id",
            connection, transaction);
        mark.Parameters.AddWithValue(id);
        mark.Parameters.AddWithValue(recipient);
        mark.Parameters.AddWithValue(now);
        if (await mark.ExecuteScalarAsync(cancellationToken) is Guid tenant)
        {
            await outbox.AddAsync(transaction, new MessageRead { MessageId = id.ToString(), TenantId = tenant.ToString(), ReadAt = Timestamp.FromDateTimeOffset(now) },
                id.ToString(), cancellationToken: cancellationToken);
        }

        await using var select = new NpgsqlCommand($"select {Columns} from messages m where m.message_id = $1 and m.recipient_subject = $2", connection, transaction);
        select.Parameters.AddWithValue(id);
        select.Parameters.AddWithValue(recipient);
        var message = (await ReadAsync(select, cancellationToken)).SingleOrDefault();
        await transaction.CommitAsync(cancellationToken);
        return message;
    }

    private static async Task<List<StoredMessage>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var messages = new List<StoredMessage>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            messages.Add(new StoredMessage(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetGuid(5), reader.GetString(6), reader.GetFieldValue<DateTimeOffset>(7),
                reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8), reader.GetFieldValue<Guid[]>(9)));
        }

        return messages;
    }
}

/// <summary>Where a page of a mailbox ended.</summary>
public sealed record MessagePosition(bool Unread, DateTimeOffset SentAt, Guid Id)
{
    public override string ToString() =>
        $"{(Unread ? 1 : 0)}.{SentAt.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture)}.{Id:N}";

    public static MessagePosition? Parse(string text)
    {
        var parts = text.Split('.');
        return parts.Length == 3 && parts[0] is "0" or "1"
               && long.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ticks)
               && ticks is > 0 and < 3_155_378_975_999_999_999 && Guid.TryParseExact(parts[2], "N", out var id)
            ? new MessagePosition(parts[0] == "1", new DateTimeOffset(ticks, TimeSpan.Zero), id)
            : null;
    }
}
