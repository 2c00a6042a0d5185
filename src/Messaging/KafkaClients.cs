using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace EfaPlatform.Messaging;

internal static partial class KafkaClients
{
    /// <summary>Idempotent, acks=all: a retried send never duplicates or reorders within a partition.</summary>
    public static IProducer<string, byte[]> CreateProducer(string bootstrapServers, MessagingOptions options, ILogger logger) =>
        new ProducerBuilder<string, byte[]>(new ProducerConfig
            {
                BootstrapServers = bootstrapServers,
                EnableIdempotence = true,
                Acks = Acks.All,
                LingerMs = 5,
                MessageTimeoutMs = (int)options.DeliveryTimeout.TotalMilliseconds,
                Partitioner = Partitioner.Murmur2Random,
                ClientId = $"{options.Service}-producer",
            })
            .SetLogHandler((_, message) => LogClientMessage(logger, message.Level.ToString(), message.Facility, message.Message))
            .Build();

    /// <summary>Offsets are stored only after an event was handled or dead-lettered, and committed from there.</summary>
    public static IConsumer<string, byte[]> CreateConsumer(string bootstrapServers, MessagingOptions options, ILogger logger) =>
        new ConsumerBuilder<string, byte[]>(new ConsumerConfig
            {
                BootstrapServers = bootstrapServers,
                GroupId = options.ConsumerGroupOrDefault,
                EnableAutoCommit = true,
                EnableAutoOffsetStore = false,
                AutoOffsetReset = AutoOffsetReset.Earliest,
                FetchWaitMaxMs = (int)options.FetchWaitMax.TotalMilliseconds,
                ClientId = $"{options.Service}-consumer",
            })
            .SetLogHandler((_, message) => LogClientMessage(logger, message.Level.ToString(), message.Facility, message.Message))
            .Build();

    [LoggerMessage(Level = LogLevel.Debug, Message = "librdkafka {KafkaLevel} {Facility}: {KafkaMessage}")]
    private static partial void LogClientMessage(ILogger logger, string kafkaLevel, string facility, string kafkaMessage);
}
