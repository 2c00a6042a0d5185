using System.Diagnostics;
using CloudNative.CloudEvents;
using Confluent.Kafka;
using EfaPlatform.Messaging.Events;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace EfaPlatform.Messaging.Outbox;

/// <summary>
/// Publishes pending outbox rows to Kafka and marks them sent, in one database transaction per batch.
/// Rows are locked with FOR UPDATE SKIP LOCKED, so several relays can run at once; a row whose key has an earlier
/// pending row held by another relay waits for it, which keeps the order of one aggregate's events.
/// A relay that dies after publishing and before committing leaves its rows pending: they are published again,
/// and consumers' inboxes discard the repeat.
/// </summary>
public partial class OutboxRelay(NpgsqlDataSource dataSource, IProducer<string, byte[]> producer, MessagingOptions options, ILogger<OutboxRelay> logger)
{
    private const string ClaimBatch = """
        with batch as (
            select sequence, id, topic, key, type, source, subject, time, traceparent, tracestate, payload
            from messaging.outbox
            where sent_at is null
            order by sequence
            limit $1
            for update skip locked)
        select b.sequence, b.id, b.topic, b.key, b.type, b.source, b.subject, b.time, b.traceparent, b.tracestate, b.payload
        from batch b
        where not exists (
            select 1 from messaging.outbox earlier
            where earlier.key = b.key and earlier.sent_at is null and earlier.sequence < b.sequence
              and earlier.sequence not in (select sequence from batch))
        order by b.sequence
        """;

    private const string MarkSent = "update messaging.outbox set sent_at = now(), attempts = attempts + 1 where sequence = any($1)";
    private const string MarkFailed = "update messaging.outbox set attempts = attempts + 1, last_error = $2 where sequence = any($1)";

    /// <returns>How many events this call published and marked sent.</returns>
    public async Task<int> PublishPendingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rows = await ClaimAsync(connection, transaction, cancellationToken);
        if (rows.Count == 0)
        {
            return 0;
        }

        var deliveries = rows.Select(Publish).ToList();
        var sent = new List<long>(rows.Count);
        var failed = new List<long>();
        var failedKeys = new HashSet<string>(StringComparer.Ordinal);
        string? firstError = null;
        for (var i = 0; i < rows.Count; i++)
        {
            try
            {
                await deliveries[i];
                // After a failure, later events of the same key stay pending so they are re-sent after it, in order.
                (failedKeys.Contains(rows[i].Key) ? failed : sent).Add(rows[i].Sequence);
            }
            catch (ProduceException<string, byte[]> e)
            {
                failed.Add(rows[i].Sequence);
                failedKeys.Add(rows[i].Key);
                firstError ??= e.Error.Reason;
            }
        }

        await UpdateAsync(connection, transaction, MarkSent, sent, null, cancellationToken);
        if (failed.Count > 0)
        {
            LogPublishFailed(logger, failed.Count, firstError ?? "");
            await UpdateAsync(connection, transaction, MarkFailed, failed, firstError, cancellationToken);
        }

        await BeforeCommitAsync(sent, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return sent.Count;
    }

    /// <summary>Runs after events are in Kafka and before the outbox records it: where a crash causes redelivery.</summary>
    protected virtual Task BeforeCommitAsync(IReadOnlyList<long> publishedSequences, CancellationToken cancellationToken) => Task.CompletedTask;

    private Task<DeliveryResult<string, byte[]>> Publish(OutboxRow row)
    {
        using var activity = MessagingTelemetry.StartPublish(row.Type, row.Topic, row.TraceParent, row.TraceState);
        var cloudEvent = new CloudEvent(CloudEventsSpecVersion.V1_0)
        {
            Id = row.Id.ToString(),
            Type = row.Type,
            Source = new Uri(row.Source, UriKind.RelativeOrAbsolute),
            Subject = row.Subject,
            Time = row.Time,
            DataContentType = KafkaCloudEvents.ProtobufContentType,
        };
        var headers = KafkaCloudEvents.ToHeaders(cloudEvent);
        var traceParent = activity?.Id ?? row.TraceParent;
        if (traceParent is not null)
        {
            headers.Add(KafkaCloudEvents.TraceParentHeader, System.Text.Encoding.UTF8.GetBytes(traceParent));
            var traceState = activity?.TraceStateString ?? row.TraceState;
            if (!string.IsNullOrEmpty(traceState))
            {
                headers.Add(KafkaCloudEvents.TraceStateHeader, System.Text.Encoding.UTF8.GetBytes(traceState));
            }
        }

        return producer.ProduceAsync(row.Topic, new Message<string, byte[]> { Key = row.Key, Value = row.Payload, Headers = headers });
    }

    private async Task<List<OutboxRow>> ClaimAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(ClaimBatch, connection, transaction);
        command.Parameters.AddWithValue(options.RelayBatchSize);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<OutboxRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new OutboxRow(
                reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6), reader.GetFieldValue<DateTimeOffset>(7),
                reader.IsDBNull(8) ? null : reader.GetString(8), reader.IsDBNull(9) ? null : reader.GetString(9),
                reader.GetFieldValue<byte[]>(10)));
        }

        return rows;
    }

    private static async Task UpdateAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, List<long> sequences, string? error, CancellationToken cancellationToken)
    {
        if (sequences.Count == 0)
        {
            return;
        }

        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddWithValue(sequences.ToArray());
        if (error is not null)
        {
            command.Parameters.AddWithValue(error);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private sealed record OutboxRow(
        long Sequence, Guid Id, string Topic, string Key, string Type, string Source, string? Subject,
        DateTimeOffset Time, string? TraceParent, string? TraceState, byte[] Payload);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing {Count} outbox events failed; they stay pending: {Reason}")]
    private static partial void LogPublishFailed(ILogger logger, int count, string reason);
}
