using System.CommandLine;
using EfaPlatform.KafkaDevCluster;

var brokers = new Option<int>("--brokers") { Description = "Number of mock brokers.", DefaultValueFactory = _ => 3 };
var partitions = new Option<int>("--partitions") { Description = "Partitions of every topic created at start.", DefaultValueFactory = _ => 6 };
var topics = new Option<string[]>("--topic") { Description = "A topic to create at start (repeatable).", AllowMultipleArgumentsPerToken = true };

var root = new RootCommand(
    "Kafka development cluster: librdkafka's in-memory mock cluster. For development and tests only; " +
    "it keeps every topic and offset in memory and loses them when it stops.")
{
    brokers, partitions, topics,
};

root.SetAction(async (parse, cancellation) =>
{
    using var cluster = new NativeMockCluster(parse.GetValue(brokers));
    var replication = Math.Min(3, cluster.BrokerCount);
    foreach (var topic in parse.GetValue(topics) ?? [])
    {
        cluster.CreateTopic(topic, parse.GetValue(partitions), replication);
    }

    Console.WriteLine($"bootstrap={cluster.BootstrapServers}");
    Console.WriteLine("ready");
    await new ControlConsole(cluster, Console.In, Console.Out).RunAsync(cancellation);
    return 0;
});

return await root.Parse(args).InvokeAsync();
