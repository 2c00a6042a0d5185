using Confluent.Kafka;
using EfaPlatform.ServiceDefaults;
using Microsoft.Extensions.Logging;

namespace EfaPlatform.Messaging;

internal static partial class KafkaClients
{
    /// <summary>Idempotent, acks=all: a retried send never duplicates or reorders within a partition.</summary>
    public static IProducer<string, byte[]> CreateProducer(KafkaConnection kafka, MessagingOptions options, ILogger logger) =>
        new ProducerBuilder<string, byte[]>(kafka.Apply(new ProducerConfig
            {
                LingerMs = 5,
                MessageTimeoutMs = (int)options.DeliveryTimeout.TotalMilliseconds,
                Partitioner = Partitioner.Murmur2Random,
                ClientId = $"{options.Service}-producer",
            }).WithGuarantees())
            .SetLogHandler((_, message) => LogClientMessage(logger, message.Level.ToString(), message.Facility, message.Message))
            .Build();

    /// <summary>Offsets are stored only after an event was handled or dead-lettered, and committed from there.</summary>
    public static IConsumer<string, byte[]> CreateConsumer(KafkaConnection kafka, MessagingOptions options, ILogger logger) =>
        new ConsumerBuilder<string, byte[]>(kafka.Apply(new ConsumerConfig
            {
                AutoOffsetReset = AutoOffsetReset.Earliest,
                FetchWaitMaxMs = (int)options.FetchWaitMax.TotalMilliseconds,
                ClientId = $"{options.Service}-consumer",
            }).WithGuarantees(options.ConsumerGroupOrDefault))
            .SetLogHandler((_, message) => LogClientMessage(logger, message.Level.ToString(), message.Facility, message.Message))
            .Build();

    private static ProducerConfig WithGuarantees(this ProducerConfig config)
    {
        config.EnableIdempotence = true;
        config.Acks = Acks.All;
        return config;
    }

    private static ConsumerConfig WithGuarantees(this ConsumerConfig config, string group)
    {
        config.GroupId = group;
        config.EnableAutoCommit = true;
        config.EnableAutoOffsetStore = false;
        return config;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "librdkafka {KafkaLevel} {Facility}: {KafkaMessage}")]
    private static partial void LogClientMessage(ILogger logger, string kafkaLevel, string facility, string kafkaMessage);
}
