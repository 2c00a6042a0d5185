using CloudNative.CloudEvents;
using Confluent.Kafka;
using EfaPlatform.Messaging;
using EfaPlatform.Messaging.Events;
using Google.Protobuf;

namespace EfaPlatform.TestInfrastructure;

/// <summary>What a test sees on Kafka, and events it sends as another service would (CloudEvents, binary mode).</summary>
public static class KafkaProbe
{
    public sealed record Seen(string Type, string Id, byte[] Payload, string? TraceParent);

    /// <summary>Every event keyed <paramref name="key"/> on <paramref name="topic"/>: waits for the first, then reads on for <paramref name="settle"/> to catch any duplicate.</summary>
    public static async Task<IReadOnlyList<Seen>> EventsWithKeyAsync(string bootstrapServers, string topic, string key, TimeSpan settle, TimeSpan timeout)
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers, GroupId = $"probe-{Guid.NewGuid():N}", AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false, FetchWaitMaxMs = 20,
        }).Build();
        consumer.Subscribe(topic);
        var seen = new List<Seen>();
        var deadline = DateTime.UtcNow + timeout;
        DateTime? settledAt = null;
        await Task.Run(() =>
        {
            while (DateTime.UtcNow < (settledAt ?? deadline))
            {
                var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
                if (result?.Message is { } message && message.Key == key)
                {
                    seen.Add(new Seen(KafkaCloudEvents.Read(message.Headers, "ce_type") ?? "", KafkaCloudEvents.Read(message.Headers, "ce_id") ?? "", message.Value,
                        KafkaCloudEvents.Read(message.Headers, KafkaCloudEvents.TraceParentHeader)));
                    settledAt ??= DateTime.UtcNow + settle;
                }
            }
        });
        consumer.Close();
        return seen;
    }

    /// <summary>
    /// Publishes <paramref name="payload"/> as the service that owns its event type would (or, to play an impostor, on
    /// another <paramref name="topic"/> or with another <paramref name="source"/>); the same <paramref name="eventId"/> twice is a redelivery.
    /// </summary>
    public static async Task PublishAsync<TEvent>(string bootstrapServers, TEvent payload, string key, string eventId, string? topic = null, string? source = null)
        where TEvent : IMessage<TEvent>, new()
    {
        var type = EventType.Of<TEvent>();
        var cloudEvent = new CloudEvent(CloudEventsSpecVersion.V1_0)
        {
            Id = eventId, Type = type.Name, Source = new Uri(source ?? MessagingOptions.SourceOf(type.Service), UriKind.Relative), Time = DateTimeOffset.UtcNow,
            DataContentType = KafkaCloudEvents.ProtobufContentType,
        };
        await ProduceAsync(bootstrapServers, topic ?? $"efa.{type.Service}",
            new Message<string, byte[]> { Key = key, Value = payload.ToByteArray(), Headers = KafkaCloudEvents.ToHeaders(cloudEvent) });
    }

    /// <summary>Produces a raw message, whatever it holds.</summary>
    public static async Task ProduceAsync(string bootstrapServers, string topic, Message<string, byte[]> message)
    {
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = bootstrapServers, Acks = Acks.All }).Build();
        await producer.ProduceAsync(topic, message);
    }
}
