using Confluent.Kafka;
using EfaPlatform.AppHost.Hosting;
using EfaPlatform.AppHost.Resources;
using EfaPlatform.Messaging;

namespace EfaPlatform.KafkaDevCluster.Tests;

public sealed class DevelopmentClusterTests : IAsyncLifetime
{
    private readonly KafkaResource _kafka = new("kafka", externalBootstrapServers: null);

    public Task InitializeAsync() => _kafka.StartAsync(CancellationToken.None);

    public Task DisposeAsync() => _kafka.StopAsync();

    [Fact]
    public void It_has_three_brokers_and_every_platform_topic_with_six_partitions_replicated_three_times()
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _kafka.BootstrapServers }).Build();
        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));

        Assert.Equal(3, metadata.Brokers.Count);
        Assert.Equal(3, _kafka.BootstrapServers!.Split(',').Length);
        foreach (var topic in PlatformTopics.All)
        {
            var found = Assert.Single(metadata.Topics, t => t.Topic == topic);
            Assert.Equal(6, found.Partitions.Count);
            Assert.All(found.Partitions, p => Assert.Equal(3, p.Replicas.Length));
        }
    }

    [Fact]
    public async Task A_real_client_produces_and_consumes_over_the_Kafka_protocol()
    {
        await _kafka.SendAsync("create-topic roundtrip 2");
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = _kafka.BootstrapServers, EnableIdempotence = true }).Build();
        await producer.ProduceAsync("roundtrip", new Message<string, string> { Key = "k", Value = "Bewohnerparkausweis" });

        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = _kafka.BootstrapServers, GroupId = "roundtrip", AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        consumer.Subscribe("roundtrip");
        var result = consumer.Consume(TimeSpan.FromSeconds(30));

        Assert.Equal("Bewohnerparkausweis", result?.Message.Value);
    }

    [Fact]
    public async Task Messages_produced_while_a_broker_is_down_are_delivered_once_it_is_back()
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = _kafka.BootstrapServers, EnableIdempotence = true, Acks = Acks.All, MessageTimeoutMs = 60_000,
        }).Build();
        Assert.StartsWith("ok", await _kafka.SendAsync("broker-down 1"), StringComparison.Ordinal);
        Task<DeliveryResult<string, string>[]> deliveries;
        try
        {
            deliveries = Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
                producer.ProduceAsync("efa.forms", new Message<string, string> { Key = $"key-{i}", Value = "x" })));
            await Task.Delay(TimeSpan.FromSeconds(3));
        }
        finally
        {
            await _kafka.SendAsync("broker-up 1");
        }

        var delivered = await deliveries.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.All(delivered, d => Assert.Equal(PersistenceStatus.Persisted, d.Status));
    }

    [Theory]
    [InlineData("explode")]
    [InlineData("broker-down one")]
    [InlineData("broker-down 9")]
    public async Task A_bad_command_gets_an_error_reply_and_the_cluster_stays_up(string command)
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => _kafka.SendAsync(command));
        Assert.Contains("error", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("ok 127.0.0.1:", await _kafka.SendAsync("bootstrap"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cluster_ends_when_its_standard_input_closes()
    {
        var log = new LogBuffer();
        await using var process = ChildProcess.Start(ProjectLocator.DotnetHost, [ProjectLocator.OutputAssembly(KafkaResource.ProjectPath)], log);
        await EfaPlatform.TestInfrastructure.Eventually.WaitAsync(() => Task.FromResult(log.After(0).Any(l => l.Text == "ready")), TimeSpan.FromSeconds(30), "ready");

        process.StandardInput.Close();

        Assert.Equal(0, await process.Exited.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
