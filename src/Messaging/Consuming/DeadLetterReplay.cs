using System.CommandLine;
using Confluent.Kafka;
using EfaPlatform.Messaging.Events;
using EfaPlatform.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EfaPlatform.Messaging.Consuming;

/// <summary>
/// The operator's way back from a dead-letter topic: `&lt;service&gt; replay-dlq --topic efa.payment.dlq [--id &lt;event id&gt;]`
/// publishes this service's dead letters (those its consumer group wrote) again on the topic they came from, without
/// the dead-letter headers. Every consumer group reads them once more; the inbox makes that a no-op for groups that
/// handled them, so replaying twice is harmless. The dead-letter topic itself keeps its messages.
/// </summary>
public static partial class DeadLetterReplay
{
    public const string CommandName = "replay-dlq";

    public static Task<int> RunCommandAsync(IServiceProvider services, string[] args)
    {
        var topic = new Option<string>("--topic") { Required = true, Description = "The dead-letter topic, for example efa.payment.dlq." };
        var id = new Option<string?>("--id") { Description = "Replay only the event with this CloudEvents id." };
        var command = new RootCommand("Publishes this service's dead-lettered events again on their original topic.") { topic, id };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var replayed = await ReplayAsync(services, parse.GetValue(topic)!, parse.GetValue(id), cancellationToken);
            Console.WriteLine($"Replayed {replayed} event(s) from {parse.GetValue(topic)}.");
            return 0;
        });
        return command.Parse(args).InvokeAsync();
    }

    public static async Task<int> ReplayAsync(IServiceProvider services, string deadLetterTopic, string? eventId, CancellationToken cancellationToken)
    {
        var options = services.GetRequiredService<IOptions<MessagingOptions>>().Value;
        var kafka = services.GetRequiredService<KafkaConnection>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DeadLetterReplay));
        if (!deadLetterTopic.EndsWith(MessagingOptions.DeadLetterSuffix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{deadLetterTopic}' is not a dead-letter topic (its name ends in {MessagingOptions.DeadLetterSuffix}).", nameof(deadLetterTopic));
        }

        // Back to the topic the dead-letter topic belongs to, whatever a message's own headers claim.
        var original = deadLetterTopic[..^MessagingOptions.DeadLetterSuffix.Length];

        using var producer = KafkaClients.CreateProducer(kafka, options, logger);
        using var reader = new ConsumerBuilder<string, byte[]>(kafka.Apply(new ConsumerConfig
        {
            GroupId = $"{options.ConsumerGroupOrDefault}-replay", EnableAutoCommit = false, AutoOffsetReset = AutoOffsetReset.Earliest,
        })).Build();
        var ends = Ends(kafka, reader, deadLetterTopic);
        reader.Assign(ends.Keys.Select(partition => new TopicPartitionOffset(partition, Offset.Beginning)));
        var replayed = 0;
        var open = ends.Where(end => end.Value.High > end.Value.Low).Select(end => end.Key).ToHashSet();
        while (open.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var result = reader.Consume(TimeSpan.FromSeconds(10))
                ?? throw new TimeoutException($"Reading {deadLetterTopic} stalled before its end.");
            if (result.Offset.Value + 1 >= ends[result.TopicPartition].High)
            {
                open.Remove(result.TopicPartition);
            }

            var headers = result.Message.Headers;
            if (KafkaCloudEvents.Read(headers, DeadLetters.GroupHeader) != options.ConsumerGroupOrDefault
                || (eventId is not null && KafkaCloudEvents.Read(headers, "ce_id") != eventId)
                || KafkaCloudEvents.Read(headers, DeadLetters.OriginalTopicHeader) != original)
            {
                continue;
            }

            if (KafkaCloudEvents.Read(headers, DeadLetters.PayloadDroppedHeader) is not null)
            {
                // Its payload was too large for the dead-letter topic: an empty one would be recorded as handled.
                LogNotReplayable(logger, KafkaCloudEvents.Read(headers, "ce_id") ?? "(no id)", result.Partition.Value, result.Offset.Value);
                continue;
            }

            var restored = new Headers();
            foreach (var header in headers.Where(h => !DeadLetters.Headers.Contains(h.Key)))
            {
                restored.Add(header.Key, header.GetValueBytes());
            }

            await producer.ProduceAsync(original, new Message<string, byte[]> { Key = result.Message.Key, Value = result.Message.Value, Headers = restored }, cancellationToken);
            LogReplayed(logger, KafkaCloudEvents.Read(headers, "ce_id") ?? "(no id)", deadLetterTopic, original);
            replayed++;
        }

        return replayed;
    }

    /// <summary>The end of each partition as the replay starts: events dead-lettered meanwhile wait for the next replay.</summary>
    private static Dictionary<TopicPartition, (long Low, long High)> Ends(KafkaConnection kafka, IConsumer<string, byte[]> reader, string topic)
    {
        using var admin = new AdminClientBuilder(kafka.Apply(new AdminClientConfig())).Build();
        var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single();
        if (metadata.Error.IsError)
        {
            throw new ArgumentException($"Topic {topic}: {metadata.Error.Reason}", nameof(topic));
        }

        return metadata.Partitions.ToDictionary(
            p => new TopicPartition(topic, p.PartitionId),
            p => reader.QueryWatermarkOffsets(new TopicPartition(topic, p.PartitionId), TimeSpan.FromSeconds(10)) is var w ? (w.Low.Value, w.High.Value) : default);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId} at partition {Partition}@{Offset} is not replayed: its payload was dropped when it was dead-lettered")]
    private static partial void LogNotReplayable(ILogger logger, string eventId, int partition, long offset);

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId} from {DeadLetterTopic} published again on {Topic}")]
    private static partial void LogReplayed(ILogger logger, string eventId, string deadLetterTopic, string topic);
}
