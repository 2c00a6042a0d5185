using EfaPlatform.AppHost.Hosting;
using EfaPlatform.AppHost.Resources;
using Npgsql;
using Xunit;

namespace EfaPlatform.TestInfrastructure;

/// <summary>
/// PostgreSQL, Redis and the Kafka development cluster, started once per test assembly through the AppHost's own
/// resource code (as Aspire.Hosting.Testing would), on free ports and in a data folder of their own.
/// Tests isolate themselves with their own database and topic rather than sharing data.
/// </summary>
public sealed class InfrastructureFixture : IAsyncLifetime
{
    private readonly string _dataDirectory = TestDirectories.Create("infra");
    private PlatformApplication? _platform;

    public PostgresResource Postgres => _platform!.Get<PostgresResource>("postgres");

    public RedisResource Redis => _platform!.Get<RedisResource>("redis");

    public KafkaResource Kafka => _platform!.Get<KafkaResource>("kafka");

    public string KafkaBootstrapServers => Kafka.BootstrapServers!;

    public string RedisConnectionString => Redis.ConnectionString!;

    public async Task InitializeAsync()
    {
        var builder = PlatformBuilder.Create([], [new("AppHost:DataDirectory", _dataDirectory)]);
        builder.AddPostgres("postgres");
        builder.AddRedis("redis");
        builder.AddKafka("kafka");
        _platform = builder.Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await _platform.StartAsync(timeout.Token);
    }

    public async Task DisposeAsync()
    {
        if (_platform is not null)
        {
            await _platform.StopAsync();
        }

        TestDirectories.Delete(_dataDirectory);
    }

    /// <summary>A new, empty database; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(60, prefix.Length + 33)];
        await using var connection = new NpgsqlConnection(Postgres.ConnectionStringFor("postgres"));
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"create database \"{name}\"", connection);
        await create.ExecuteNonQueryAsync();
        return Postgres.ConnectionStringFor(name);
    }

    /// <summary>A new topic and its dead-letter topic on the development cluster; returns the topic name.</summary>
    public async Task<string> CreateTopicAsync(string prefix, int partitions = 6)
    {
        var topic = $"{prefix}.{Guid.NewGuid():N}";
        await Kafka.SendAsync($"create-topic {topic} {partitions}");
        await Kafka.SendAsync($"create-topic {topic}.dlq {partitions}");
        return topic;
    }
}
