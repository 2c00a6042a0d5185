using System.Text;
using Confluent.Kafka;
using EfaPlatform.Messaging.Consuming;
using EfaPlatform.Messaging.Events;
using EfaPlatform.Messaging.Tests.Events;
using EfaPlatform.TestInfrastructure;

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
        Assert.Equal("InvalidOperationException: Item item-a is poison.", KafkaCloudEvents.Read(headers, EventConsumer.DeadLetterReasonHeader));
        Assert.Equal("3", KafkaCloudEvents.Read(headers, EventConsumer.DeadLetterAttemptsHeader));
        Assert.Equal(bed.Topic, KafkaCloudEvents.Read(headers, EventConsumer.OriginalTopicHeader));
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
        Assert.Contains("ce_specversion", KafkaCloudEvents.Read(deadLetter.Message.Headers, EventConsumer.DeadLetterReasonHeader), StringComparison.Ordinal);
        Assert.Equal("1", KafkaCloudEvents.Read(deadLetter.Message.Headers, EventConsumer.DeadLetterAttemptsHeader));
    }
}
