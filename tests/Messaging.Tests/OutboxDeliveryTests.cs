using EfaPlatform.Messaging.Outbox;
using EfaPlatform.Messaging.Tests.Events;
using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.Messaging.Tests;

[Collection(InfrastructureCollection.Name)]
public sealed class OutboxDeliveryTests(InfrastructureFixture infrastructure)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task An_event_written_in_a_rolled_back_transaction_is_never_published()
    {
        await using var bed = await MessagingTestBed.CreateAsync(infrastructure);
        await bed.StartServiceAsync();

        await bed.WriteAsync([new ItemChanged { ItemId = "rolled-back", Version = 1 }], commit: false);
        var committed = await bed.WriteAsync([new ItemChanged { ItemId = "committed", Version = 1 }]);

        var effects = await Eventually.WaitAsync(async () => (await bed.EffectsAsync()) is { Count: > 0 } e ? e : null, Patience, "the committed event's effect");
        Assert.Equal([committed[0].ToString()], effects.Select(e => e.EventId));
        Assert.Equal(1, bed.MessagesInTopic(bed.Topic));
        Assert.Equal(0, await bed.PendingOutboxRowsAsync());
    }

    [Fact]
    public async Task A_relay_that_dies_before_marking_sent_causes_redelivery_but_the_effect_happens_once()
    {
        await using var bed = await MessagingTestBed.CreateAsync(infrastructure);
        var changes = Enumerable.Range(1, 5).Select(v => new ItemChanged { ItemId = "item-1", Version = v }).ToList();
        var ids = await bed.WriteAsync(changes);

        using var producer = bed.CreateProducer();
        var dyingRelay = new RelayThatDiesBeforeCommit(bed, producer);
        await Assert.ThrowsAsync<RelayCrashedException>(() => dyingRelay.PublishPendingAsync(CancellationToken.None));
        Assert.Equal(5, bed.MessagesInTopic(bed.Topic));
        Assert.Equal(5, await bed.PendingOutboxRowsAsync());

        // The next relay finds the rows still pending and publishes them again.
        Assert.Equal(5, await bed.CreateRelay(producer).PublishPendingAsync(CancellationToken.None));
        Assert.Equal(10, bed.MessagesInTopic(bed.Topic));

        // A later event of the same item is consumed after the repeats (same key, same partition, in order).
        var sentinel = await bed.WriteAsync([new ItemChanged { ItemId = "item-1", Version = 6 }]);
        await bed.StartServiceAsync();
        var effects = await Eventually.WaitAsync(
            async () => (await bed.EffectsAsync()) is var e && e.Any(x => x.EventId == sentinel[0].ToString()) ? e : null, Patience, "the sentinel's effect");

        Assert.Equal([.. ids.Select(id => id.ToString()), sentinel[0].ToString()], effects.Select(e => e.EventId));
        Assert.Equal([1, 2, 3, 4, 5, 6], effects.Select(e => e.Version));
    }

    [Fact]
    public async Task Events_written_while_every_broker_is_down_are_all_delivered_afterwards_in_order()
    {
        await using var bed = await MessagingTestBed.CreateAsync(infrastructure);
        await bed.StartServiceAsync();
        await bed.WriteAsync([new ItemChanged { ItemId = "warm-up", Version = 1 }]);
        await Eventually.WaitAsync(async () => (await bed.EffectsAsync()).Count == 1, Patience, "the warm-up event");

        var items = Enumerable.Range(1, 5).Select(i => $"item-{i}").ToList();
        var written = new List<Guid>();
        await infrastructure.Kafka.SendAsync("all-down");
        try
        {
            // Ten seconds without brokers, with writes throughout.
            for (var round = 1; round <= 10; round++)
            {
                written.AddRange(await bed.WriteAsync(items.Select(item => new ItemChanged { ItemId = item, Version = round })));
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
        finally
        {
            await infrastructure.Kafka.SendAsync("all-up");
        }

        var effects = await Eventually.WaitAsync(
            async () => (await bed.EffectsAsync()) is var e && e.Count >= 51 ? e : null, TimeSpan.FromSeconds(120), "all 50 events after the outage");
        await Task.Delay(TimeSpan.FromSeconds(1));
        effects = await bed.EffectsAsync();

        var delivered = effects.Where(e => e.ItemId != "warm-up").ToList();
        Assert.Equal(written.Select(id => id.ToString()).Order(), delivered.Select(e => e.EventId).Order());
        foreach (var item in items)
        {
            Assert.Equal(Enumerable.Range(1, 10), delivered.Where(e => e.ItemId == item).Select(e => e.Version));
        }
    }

    [Fact]
    public async Task Several_relays_at_once_publish_each_event_once_and_keep_each_items_order()
    {
        await using var bed = await MessagingTestBed.CreateAsync(infrastructure);
        bed.Options.RelayBatchSize = 37;
        for (var version = 1; version <= 20; version++)
        {
            await bed.WriteAsync(Enumerable.Range(1, 10).Select(i => new ItemChanged { ItemId = $"item-{i}", Version = version }));
        }

        using var producer = bed.CreateProducer();
        var relays = Enumerable.Range(0, 3).Select(_ => bed.CreateRelay(producer)).ToList();
        await Task.WhenAll(relays.Select(async relay =>
        {
            for (var round = 0; round < 100 && await bed.PendingOutboxRowsAsync() > 0; round++)
            {
                await relay.PublishPendingAsync(CancellationToken.None);
            }
        }));

        Assert.Equal(0, await bed.PendingOutboxRowsAsync());
        Assert.Equal(200, bed.MessagesInTopic(bed.Topic));

        await bed.StartServiceAsync(relay: false);
        var effects = await Eventually.WaitAsync(async () => (await bed.EffectsAsync()) is { Count: 200 } e ? e : null, Patience, "200 effects");
        foreach (var item in effects.GroupBy(e => e.ItemId))
        {
            Assert.Equal(Enumerable.Range(1, 20), item.Select(e => e.Version));
        }
    }

    private sealed class RelayThatDiesBeforeCommit(MessagingTestBed bed, Confluent.Kafka.IProducer<string, byte[]> producer)
        : OutboxRelay(bed.DataSource, producer, bed.Options, Microsoft.Extensions.Logging.Abstractions.NullLogger<OutboxRelay>.Instance)
    {
        protected override Task BeforeCommitAsync(IReadOnlyList<long> publishedSequences, CancellationToken cancellationToken) =>
            throw new RelayCrashedException();
    }

    private sealed class RelayCrashedException : Exception;
}
