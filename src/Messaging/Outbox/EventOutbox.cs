using System.Diagnostics;
using EfaPlatform.Messaging.Events;
using Google.Protobuf;
using Microsoft.Extensions.Options;
using Npgsql;

namespace EfaPlatform.Messaging.Outbox;

/// <summary>
/// Records an event in the caller's transaction, so that it is published if and only if the state change it
/// announces commits. The relay publishes it afterwards.
/// </summary>
public sealed class EventOutbox(IOptions<MessagingOptions> options, TimeProvider clock)
{
    private const string Insert = """
        insert into messaging.outbox (id, topic, key, type, source, subject, time, traceparent, tracestate, payload)
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
        """;

    /// <param name="aggregateId">Kafka key: every event of one aggregate lands in one partition, in order.</param>
    /// <returns>The event id (CloudEvents <c>id</c>).</returns>
    public async Task<Guid> AddAsync<TEvent>(
        NpgsqlTransaction transaction, TEvent payload, string aggregateId, string? subject = null, CancellationToken cancellationToken = default)
        where TEvent : IMessage<TEvent>, new()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(aggregateId);
        var type = EventType.Of<TEvent>();
        var id = Guid.CreateVersion7();
        var trace = Activity.Current;

        await using var command = new NpgsqlCommand(Insert, transaction.Connection, transaction);
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(options.Value.TopicFor(type.Service));
        command.Parameters.AddWithValue(aggregateId);
        command.Parameters.AddWithValue(type.Name);
        command.Parameters.AddWithValue(MessagingOptions.SourceOf(options.Value.Service));
        command.Parameters.AddWithValue((object?)subject ?? DBNull.Value);
        command.Parameters.AddWithValue(clock.GetUtcNow());
        command.Parameters.AddWithValue((object?)trace?.Id ?? DBNull.Value);
        command.Parameters.AddWithValue((object?)trace?.TraceStateString ?? DBNull.Value);
        command.Parameters.AddWithValue(payload.ToByteArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
        return id;
    }
}
