using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using EfaPlatform.Bench.Events;
using EfaPlatform.Messaging;
using EfaPlatform.Messaging.Consuming;
using EfaPlatform.Messaging.Outbox;
using EfaPlatform.ServiceDefaults;
using EfaPlatform.TestInfrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace EfaPlatform.Bench;

/// <summary>Events per second from outbox write to consumer effect, and the latency of each event over that path.</summary>
internal static class MessagingBenchmark
{
    public static async Task RunAsync(int events, int writers, int items, int rate)
    {
        var infrastructure = new InfrastructureFixture();
        await infrastructure.InitializeAsync();
        try
        {
            var database = await infrastructure.CreateDatabaseAsync("bench");
            var topic = await infrastructure.CreateTopicAsync("efa.bench");
            await using var dataSource = NpgsqlDataSource.Create(database);
            await SqlMigrator.ApplyAsync(dataSource, [.. MessagingSchema.Migrations, MeasuringHandler.Migration]);

            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:postgres"] = database,
                ["ConnectionStrings:kafka"] = infrastructure.KafkaBootstrapServers,
                ["Messaging:Service"] = "bench",
                ["Messaging:Topics:bench"] = topic,
                ["Messaging:RelayPollInterval"] = "00:00:00.020",
                ["Messaging:FetchWaitMax"] = Environment.GetEnvironmentVariable("BENCH_FETCH_WAIT_MAX") ?? EfaPlatform.AppHost.Resources.KafkaResource.DevelopmentFetchWaitMax,
            });
            builder.Logging.SetMinimumLevel(LogLevel.Warning).AddConsole();
            builder.AddEfaPostgres();
            builder.AddKafkaEventBus().AddSubscription<Measured, MeasuringHandler>();
            using var host = builder.Build();
            await host.StartAsync();
            var outbox = host.Services.GetRequiredService<EventOutbox>();

            // Warm-up: the consumer has joined its group and the producer is connected before measuring.
            await using (var connection = await dataSource.OpenConnectionAsync())
            await using (var transaction = await connection.BeginTransactionAsync())
            {
                await outbox.AddAsync(transaction, new Measured { ItemId = "warm-up", WrittenAt = Stopwatch.GetTimestamp() }, "warm-up");
                await transaction.CommitAsync();
            }

            while (MeasuringHandler.Latencies.IsEmpty)
            {
                await Task.Delay(20);
            }

            MeasuringHandler.Latencies.Clear();
            var started = Stopwatch.GetTimestamp();
            await Task.WhenAll(Enumerable.Range(0, writers).Select(writer => Task.Run(async () =>
            {
                for (var i = writer; i < events; i += writers)
                {
                    if (rate > 0 && Stopwatch.GetElapsedTime(started).TotalSeconds < (double)i / rate)
                    {
                        await Task.Delay(TimeSpan.FromSeconds((double)i / rate) - Stopwatch.GetElapsedTime(started));
                    }

                    await using var connection = await dataSource.OpenConnectionAsync();
                    await using var transaction = await connection.BeginTransactionAsync();
                    var item = $"item-{i % items}";
                    await outbox.AddAsync(transaction, new Measured { ItemId = item, WrittenAt = Stopwatch.GetTimestamp() }, item);
                    await transaction.CommitAsync();
                }
            })));
            var written = Stopwatch.GetElapsedTime(started);

            var deadline = DateTime.UtcNow.AddMinutes(5);
            while (MeasuringHandler.Latencies.Count < events && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            var elapsed = TimeSpan.FromTicks((long)((MeasuringHandler.LastHandledAt - started) * (TimeSpan.TicksPerSecond / (double)Stopwatch.Frequency)));
            var latencies = MeasuringHandler.Latencies.ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"messaging: {latencies.Count}/{events} events, {writers} writers (one transaction each), {items} keys, offered rate {(rate > 0 ? rate.ToString(CultureInfo.InvariantCulture) + "/s" : "unlimited")}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  outbox writes: {events / written.TotalSeconds:0} events/s ({written.TotalSeconds:0.0} s)"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  write to effect: {latencies.Count / elapsed.TotalSeconds:0} events/s end to end ({elapsed.TotalSeconds:0.0} s)"));
            Console.WriteLine($"  latency write → effect: {Percentiles.Describe(latencies)}");
            await host.StopAsync();
        }
        finally
        {
            await infrastructure.DisposeAsync();
        }
    }

    private sealed class MeasuringHandler : IEventHandler<Measured>
    {
        public static readonly SqlMigration Migration = new("bench_0001_effects", "create table bench_effects (event_id text primary key, item_id text not null)");
        public static readonly ConcurrentBag<double> Latencies = [];
        public static long LastHandledAt;

        public async Task HandleAsync(EventContext<Measured> context, CancellationToken cancellationToken)
        {
            await using var command = new NpgsqlCommand("insert into bench_effects values ($1, $2)", context.Connection, context.Transaction);
            command.Parameters.AddWithValue(context.Id);
            command.Parameters.AddWithValue(context.Payload.ItemId);
            await command.ExecuteNonQueryAsync(cancellationToken);
            var now = Stopwatch.GetTimestamp();
            Latencies.Add(Stopwatch.GetElapsedTime(context.Payload.WrittenAt, now).TotalMilliseconds);
            Interlocked.Exchange(ref LastHandledAt, now);
        }
    }
}
