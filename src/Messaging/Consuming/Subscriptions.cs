using EfaPlatform.Messaging.Events;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EfaPlatform.Messaging.Consuming;

/// <summary>The handler for each subscribed event type, looked up by CloudEvents type: no assembly scanning.</summary>
public sealed class Subscriptions
{
    private readonly Dictionary<string, Subscription> _byType = new(StringComparer.Ordinal);

    public IReadOnlyCollection<Subscription> All => _byType.Values;

    /// <param name="publisher">
    /// The only service this event is accepted from (its topic and CloudEvents source); by default the service its type
    /// names (<c>de.efa.payment.…</c> → payment).
    /// </param>
    public void Add<TEvent, THandler>(string? publisher = null)
        where TEvent : IMessage<TEvent>, new()
        where THandler : IEventHandler<TEvent>
    {
        var type = EventType.Of<TEvent>();
        if (!_byType.TryAdd(type.Name, new Subscription(type, publisher ?? type.Service, Dispatch<TEvent, THandler>)))
        {
            throw new InvalidOperationException($"Event type {type.Name} already has a handler.");
        }
    }

    public bool TryGet(string eventType, out Subscription subscription) => _byType.TryGetValue(eventType, out subscription!);

    private static Task Dispatch<TEvent, THandler>(IServiceProvider services, IncomingEvent incoming, NpgsqlTransaction transaction, CancellationToken cancellationToken)
        where TEvent : IMessage<TEvent>, new()
        where THandler : IEventHandler<TEvent>
    {
        var payload = new MessageParser<TEvent>(() => new TEvent()).ParseFrom(incoming.Payload);
        var context = new EventContext<TEvent>(
            incoming.Id, incoming.Type, incoming.Source, incoming.Subject, incoming.Time, incoming.Key, payload, incoming.Attempt, transaction);
        return services.GetRequiredService<THandler>().HandleAsync(context, cancellationToken);
    }
}

/// <param name="Publisher">The service whose topic and CloudEvents source this event type must come from.</param>
public sealed record Subscription(
    EventType EventType,
    string Publisher,
    Func<IServiceProvider, IncomingEvent, NpgsqlTransaction, CancellationToken, Task> Dispatch);

public sealed record IncomingEvent(string Id, string Type, string Source, string? Subject, DateTimeOffset? Time, string Key, byte[] Payload, int Attempt);
