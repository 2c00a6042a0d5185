using System.Text;
using CloudNative.CloudEvents;
using Confluent.Kafka;
using EfaPlatform.Messaging.Consuming;
using EfaPlatform.Messaging.Events;
using EfaPlatform.Messaging.Tests.Events;
using EfaPlatform.TestInfrastructure;
using Google.Protobuf;

namespace EfaPlatform.Messaging.Tests;

[Collection(InfrastructureCollection.Name)]
public sealed class DeadLetterTests(InfrastructureFixture infrastructure)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_poison_event_goes_to_the_dead_letter_topic_with_its_reason_and_the_consumer_goes_on()
    {
        await using var bed = await MessagingTestBed.CreateAsync(infrastructure);
        await bed.StartServiceAsync();

        var before = await bed.WriteAsync([new ItemChanged { ItemId = "item-a", Version = 1 }]);
        var poison = await bed.WriteAsync([new ItemChanged { ItemId = "item-a", Version = 2, Poison = true }]);
        var after = await bed.WriteAsync([new ItemChanged { ItemId = "item-a", Version = 3 }, new ItemChanged { ItemId = "item-b", Version = 1 }]);

        var effects = await Eventually.WaitAsync(async () => (await bed.EffectsAsync()) is { Count: 3 } e ? e : null, Patience, "three effects");
        // Order holds per item (Kafka key), not across items.
        Assert.Equal(new[] { before[0], after[0], after[1] }.Order(), effects.Select(e => Guid.Parse(e.EventId)).Order());
        Assert.Equal([1, 3], effects.Where(e => e.ItemId == "item-a").Select(e => e.Version));

        var deadLetter = bed.ReadUntil($"{bed.Topic}.dlq", _ => true, Patience);
        var headers = deadLetter.Message.Headers;
        Assert.Equal(poison[0].ToString(), KafkaCloudEvents.Read(headers, "ce_id"));
        Assert.Equal("de.efa.testing.item.changed.v1", KafkaCloudEvents.Read(headers, "ce_type"));
        Assert.Equal("InvalidOperationException: Item item-a is poison.", KafkaCloudEvents.Read(headers, DeadLetters.ReasonHeader));
        Assert.Equal("3", KafkaCloudEvents.Read(headers, DeadLetters.AttemptsHeader));
        Assert.Equal(bed.Topic, KafkaCloudEvents.Read(headers, DeadLetters.OriginalTopicHeader));
        Assert.Equal("item-a", deadLetter.Message.Key);
        Assert.True(ItemChanged.Parser.ParseFrom(deadLetter.Message.Value).Poison);
    }

    [Fact]
    public async Task A_message_that_is_not_a_CloudEvent_goes_to_the_dead_letter_topic_at_once()
    {
        await using var bed = await MessagingTestBed.CreateAsync(infrastructure);
        await bed.StartServiceAsync();
        using var producer = bed.CreateProducer();
        await producer.ProduceAsync(bed.Topic, new Message<string, byte[]> { Key = "stray", Value = Encoding.UTF8.GetBytes("hello"), Headers = [] });
        var next = await bed.WriteAsync([new ItemChanged { ItemId = "stray", Version = 1 }]);

        await Eventually.WaitAsync(async () => (await bed.EffectsAsync()).Any(e => e.EventId == next[0].ToString()), Patience, "the next event's effect");
        var deadLetter = bed.ReadUntil($"{bed.Topic}.dlq", _ => true, Patience);
        Assert.Contains("ce_specversion", KafkaCloudEvents.Read(deadLetter.Message.Headers, DeadLetters.ReasonHeader), StringComparison.Ordinal);
        Assert.Equal("1", KafkaCloudEvents.Read(deadLetter.Message.Headers, DeadLetters.AttemptsHeader));
    }

    [Fact]
    public async Task A_header_without_value_sends_the_message_to_the_dead_letter_topic_and_the_consumer_goes_on()
    {
        await using var bed = await MessagingTestBed.CreateAsync(infrastructure);
        await bed.StartServiceAsync();
        using var producer = bed.CreateProducer();
        var headers = new Headers { { "ce_specversion", Encoding.UTF8.GetBytes("1.0") }, { "ce_id", null }, { "ce_type", Encoding.UTF8.GetBytes("de.efa.testing.item.changed.v1") } };
        await producer.ProduceAsync(bed.Topic, new Message<string, byte[]> { Key = "null-header", Value = [], Headers = headers });
        var next = await bed.WriteAsync([new ItemChanged { ItemId = "null-header", Version = 1 }]);

        await Eventually.WaitAsync(async () => (await bed.EffectsAsync()).Any(e => e.EventId == next[0].ToString()), Patience, "the next event's effect");
        var deadLetter = bed.ReadUntil($"{bed.Topic}.dlq", _ => true, Patience);
        Assert.Equal("Header ce_id has no value.", KafkaCloudEvents.Read(deadLetter.Message.Headers, DeadLetters.ReasonHeader));
        Assert.Equal("null-header", deadLetter.Message.Key);
    }

    [Fact]
    public async Task An_event_type_from_a_source_that_does_not_own_it_has_no_effect_and_is_dead_lettered()
    {
        await using var bed = await MessagingTestBed.CreateAsync(infrastructure);
        await bed.StartServiceAsync();
        using var producer = bed.CreateProducer();
        var impostor = new CloudEvent(CloudEventsSpecVersion.V1_0)
        {
            Id = "forged-1", Type = "de.efa.testing.item.changed.v1", Source = new Uri("/efa/routing", UriKind.Relative),
            DataContentType = KafkaCloudEvents.ProtobufContentType,
        };
        await producer.ProduceAsync(bed.Topic, new Message<string, byte[]>
        {
            Key = "forged", Value = new ItemChanged { ItemId = "forged", Version = 1 }.ToByteArray(), Headers = KafkaCloudEvents.ToHeaders(impostor),
        });
        var next = await bed.WriteAsync([new ItemChanged { ItemId = "forged", Version = 2 }]);

        await Eventually.WaitAsync(async () => (await bed.EffectsAsync()).Any(e => e.EventId == next[0].ToString()), Patience, "the genuine event's effect");
        Assert.DoesNotContain(await bed.EffectsAsync(), e => e.EventId == "forged-1");
        var deadLetter = bed.ReadUntil($"{bed.Topic}.dlq", _ => true, Patience);
        Assert.Equal("forged-1", KafkaCloudEvents.Read(deadLetter.Message.Headers, "ce_id"));
        Assert.Contains("accepted only from topic", KafkaCloudEvents.Read(deadLetter.Message.Headers, DeadLetters.ReasonHeader), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_operator_replays_a_dead_lettered_event_and_it_takes_effect_once()
    {
        await using var bed = await MessagingTestBed.CreateAsync(infrastructure);
        var service = await bed.StartServiceAsync();
        var poison = await bed.WriteAsync([new ItemChanged { ItemId = "replayed", Version = 1, Poison = true }]);
        bed.ReadUntil($"{bed.Topic}.dlq", _ => true, Patience);
        RecordingHandler.Cured["replayed"] = true;
        try
        {
            Assert.Equal(1, await DeadLetterReplay.ReplayAsync(service.Services, $"{bed.Topic}.dlq", poison[0].ToString(), CancellationToken.None));
            Assert.Equal(1, await DeadLetterReplay.ReplayAsync(service.Services, $"{bed.Topic}.dlq", null, CancellationToken.None));

            await Eventually.WaitAsync(async () => (await bed.EffectsAsync()).Any(e => e.EventId == poison[0].ToString()), Patience, "the replayed event's effect");
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.Single(await bed.EffectsAsync(), e => e.EventId == poison[0].ToString());
        }
        finally
        {
            RecordingHandler.Cured.TryRemove("replayed", out _);
        }
    }
}
