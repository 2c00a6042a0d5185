using Google.Protobuf;
using Npgsql;

namespace EfaPlatform.Messaging.Consuming;

/// <summary>
/// Handles one event type. Write every effect through <see cref="EventContext{TEvent}.Transaction"/>: the inbox
/// records the event in that same transaction, so a redelivered event never has a second effect.
/// Throwing means "try again"; after the last attempt the event goes to the dead-letter topic.
/// </summary>
public interface IEventHandler<TEvent> where TEvent : IMessage<TEvent>, new()
{
    Task HandleAsync(EventContext<TEvent> context, CancellationToken cancellationToken);
}

public sealed record EventContext<TEvent>(
    string Id,
    string Type,
    string Source,
    string? Subject,
    DateTimeOffset? Time,
    string Key,
    TEvent Payload,
    int Attempt,
    NpgsqlTransaction Transaction)
    where TEvent : IMessage<TEvent>, new()
{
    public NpgsqlConnection Connection => Transaction.Connection!;
}
