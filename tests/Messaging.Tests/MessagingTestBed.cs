using Confluent.Kafka;
using EfaPlatform.Messaging.Outbox;
using EfaPlatform.Messaging.Tests.Events;
using EfaPlatform.ServiceDefaults;
using EfaPlatform.TestInfrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace EfaPlatform.Messaging.Tests;

/// <summary>One test's own database (with the messaging schema and an effects table) and its own topic.</summary>
public sealed class MessagingTestBed : IAsyncDisposable
{
    private readonly List<IHost> _hosts = [];

    private MessagingTestBed(InfrastructureFixture infrastructure, string connectionString, string topic)
    {
        Infrastructure = infrastructure;
        ConnectionString = connectionString;
        Topic = topic;
        DataSource = NpgsqlDataSource.Create(connectionString);
        Options = new MessagingOptions
        {
            Service = "testing",
            Topics = { ["testing"] = topic },
            MaxAttempts = 3,
            RetryDelay = TimeSpan.FromMilliseconds(50),
            RelayPollInterval = TimeSpan.FromMilliseconds(50),
        };
        Outbox = new EventOutbox(Microsoft.Extensions.Options.Options.Create(Options), TimeProvider.System);
    }

    public InfrastructureFixture Infrastructure { get; }

    public string ConnectionString { get; }

    public string Topic { get; }

    public NpgsqlDataSource DataSource { get; }

    public MessagingOptions Options { get; }

    public EventOutbox Outbox { get; }

    public static async Task<MessagingTestBed> CreateAsync(InfrastructureFixture infrastructure)
    {
        var database = await infrastructure.CreateDatabaseAsync("messaging");
        var topic = await infrastructure.CreateTopicAsync("efa.testing");
        var bed = new MessagingTestBed(infrastructure, database, topic);
        await SqlMigrator.ApplyAsync(bed.DataSource, [.. MessagingSchema.Migrations, RecordingHandler.Migration]);
        return bed;
    }

    /// <summary>A service process in miniature: the real event bus registration, with its relay and consumer.</summary>
    public async Task<IHost> StartServiceAsync(bool relay = true, string? consumerGroup = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing", DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:postgres"] = ConnectionString,
            ["ConnectionStrings:kafka"] = Infrastructure.KafkaBootstrapServers,
            ["Messaging:Service"] = Options.Service,
            ["Messaging:ConsumerGroup"] = consumerGroup ?? $"testing-{Guid.NewGuid():N}",
            ["Messaging:Topics:testing"] = Topic,
            ["Messaging:MaxAttempts"] = Options.MaxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Messaging:RetryDelay"] = Options.RetryDelay.ToString(),
            ["Messaging:RelayPollInterval"] = Options.RelayPollInterval.ToString(),
            ["Messaging:RelayEnabled"] = relay.ToString(),
            ["Messaging:FetchWaitMax"] = EfaPlatform.AppHost.Resources.KafkaResource.DevelopmentFetchWaitMax,
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddEfaPostgres();
        builder.AddKafkaEventBus().AddSubscription<ItemChanged, RecordingHandler>();
        var host = builder.Build();
        _hosts.Add(host);
        await host.StartAsync();
        return host;
    }

    /// <summary>Writes events through the outbox in one transaction, committed or rolled back.</summary>
    public async Task<List<Guid>> WriteAsync(IEnumerable<ItemChanged> events, bool commit = true)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var ids = new List<Guid>();
        foreach (var change in events)
        {
            ids.Add(await Outbox.AddAsync(transaction, change, change.ItemId, subject: $"items/{change.ItemId}"));
        }

        if (commit)
        {
            await transaction.CommitAsync();
        }
        else
        {
            await transaction.RollbackAsync();
        }

        return ids;
    }

    public OutboxRelay CreateRelay(IProducer<string, byte[]> producer) =>
        new(DataSource, producer, Options, NullLogger<OutboxRelay>.Instance);

    public IProducer<string, byte[]> CreateProducer() =>
        KafkaClients.CreateProducer(new KafkaConnection(Infrastructure.KafkaBootstrapServers), Options, NullLogger.Instance);

    /// <summary>Rows the handler wrote, in the order it wrote them.</summary>
    public async Task<List<Effect>> EffectsAsync()
    {
        await using var command = DataSource.CreateCommand("select event_id, item_id, version from test_effects order by id");
        await using var reader = await command.ExecuteReaderAsync();
        var effects = new List<Effect>();
        while (await reader.ReadAsync())
        {
            effects.Add(new Effect(reader.GetString(0), reader.GetString(1), reader.GetInt32(2)));
        }

        return effects;
    }

    public async Task<long> PendingOutboxRowsAsync()
    {
        await using var command = DataSource.CreateCommand("select count(*) from messaging.outbox where sent_at is null");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>How many messages the topic holds, summed over its partitions.</summary>
    public long MessagesInTopic(string topic)
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = Infrastructure.KafkaBootstrapServers,
            GroupId = $"probe-{Guid.NewGuid():N}",
        }).Build();
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = Infrastructure.KafkaBootstrapServers }).Build();
        var partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions;
        return partitions.Sum(p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p.PartitionId), TimeSpan.FromSeconds(10)).High.Value);
    }

    /// <summary>Reads a topic from the start until <paramref name="match"/> finds a message or the timeout passes.</summary>
    public ConsumeResult<string, byte[]> ReadUntil(string topic, Func<ConsumeResult<string, byte[]>, bool> match, TimeSpan timeout)
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = Infrastructure.KafkaBootstrapServers,
            GroupId = $"reader-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(topic);
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(250));
            if (result?.Message is not null && match(result))
            {
                return result;
            }
        }

        throw new TimeoutException($"No matching message in {topic} within {timeout.TotalSeconds:0} s.");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.StopAsync(TimeSpan.FromSeconds(10));
            host.Dispose();
        }

        await DataSource.DisposeAsync();
    }
}

public sealed record Effect(string EventId, string ItemId, int Version);
