using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace EfaPlatform.Messaging.Consuming;

/// <summary>
/// Writes an event that cannot be handled to "{topic}.dlq" with the reason, the attempts and where it came from.
/// A transient produce failure (a broker down) is retried until it succeeds: the offset must not move past an event that
/// is neither handled nor dead-lettered. A permanent one is not retried forever: a message too large is dead-lettered
/// without its payload; any other permanent error is logged with the event's position, where it stays in its topic.
/// </summary>
public sealed partial class DeadLetters(IProducer<string, byte[]> producer, MessagingOptions options, ILogger logger)
{
    public const string ReasonHeader = "efa_dlq_reason";
    public const string AttemptsHeader = "efa_dlq_attempts";
    public const string GroupHeader = "efa_dlq_consumer_group";
    public const string OriginalTopicHeader = "efa_original_topic";
    public const string OriginalPartitionHeader = "efa_original_partition";
    public const string OriginalOffsetHeader = "efa_original_offset";
    public const string PayloadDroppedHeader = "efa_dlq_payload_dropped";
    public static readonly IReadOnlySet<string> Headers = new HashSet<string>(StringComparer.Ordinal)
    {
        ReasonHeader, AttemptsHeader, GroupHeader, OriginalTopicHeader, OriginalPartitionHeader, OriginalOffsetHeader, PayloadDroppedHeader,
    };

    private const int MaxReasonLength = 1000;

    private static readonly HashSet<ErrorCode> Permanent =
    [
        ErrorCode.MsgSizeTooLarge, ErrorCode.RecordListTooLarge, ErrorCode.InvalidMsg,
        ErrorCode.InvalidRecord, ErrorCode.TopicAuthorizationFailed, ErrorCode.TopicException, ErrorCode.Local_InvalidArg,
    ];

    /// <summary>A topic that does not exist may be about to (a cluster being set up): permanent only after this many tries.</summary>
    private static readonly HashSet<ErrorCode> UnknownTopic = [ErrorCode.Local_UnknownTopic, ErrorCode.UnknownTopicOrPart];
    private const int UnknownTopicTries = 20;

    public async Task WriteAsync(ConsumeResult<string, byte[]> result, string reason, int attempts, CancellationToken cancellationToken)
    {
        var topic = MessagingOptions.DeadLetterTopicFor(result.Topic);
        var message = new Message<string, byte[]> { Key = result.Message.Key, Value = result.Message.Value, Headers = HeadersFor(result, reason, attempts) };
        for (var failures = 1; ; failures++)
        {
            try
            {
                await producer.ProduceAsync(topic, message, cancellationToken);
                LogDeadLettered(logger, result.Topic, result.Partition.Value, result.Offset.Value, topic, reason);
                return;
            }
            catch (ProduceException<string, byte[]> e) when (e.Error.IsFatal)
            {
                // The producer is unusable from here on: stop consuming without moving past this event; the service
                // ends and, restarted, reads it again with a new producer.
                throw new InvalidOperationException($"The dead-letter producer failed fatally: {e.Error.Reason}", e);
            }
            catch (ProduceException<string, byte[]> e) when (Permanent.Contains(e.Error.Code) || (UnknownTopic.Contains(e.Error.Code) && failures >= UnknownTopicTries))
            {
                if (e.Error.Code is ErrorCode.MsgSizeTooLarge or ErrorCode.RecordListTooLarge
                    && message.Value is { Length: > 0 })
                {
                    message = new Message<string, byte[]> { Key = message.Key, Value = [], Headers = message.Headers };
                    message.Headers.Add(PayloadDroppedHeader, Utf8($"{result.Message.Value?.Length ?? 0} bytes: {e.Error.Reason}"));
                    continue;
                }

                LogDeadLetterImpossible(logger, result.Topic, result.Partition.Value, result.Offset.Value, topic, e.Error.Reason, reason);
                return;
            }
            catch (ProduceException<string, byte[]> e)
            {
                LogDeadLetterFailed(logger, topic, e.Error.Reason);
                await Task.Delay(Backoff.For(failures, options.RetryDelay, options.MaxRetryDelay), cancellationToken);
            }
        }
    }

    private Headers HeadersFor(ConsumeResult<string, byte[]> result, string reason, int attempts)
    {
        var headers = new Headers();
        foreach (var header in result.Message.Headers ?? [])
        {
            headers.Add(header.Key, header.GetValueBytes());
        }

        headers.Add(ReasonHeader, Utf8(reason.Length > MaxReasonLength ? reason[..MaxReasonLength] : reason));
        headers.Add(AttemptsHeader, Utf8(attempts.ToString(CultureInfo.InvariantCulture)));
        headers.Add(GroupHeader, Utf8(options.ConsumerGroupOrDefault));
        headers.Add(OriginalTopicHeader, Utf8(result.Topic));
        headers.Add(OriginalPartitionHeader, Utf8(result.Partition.Value.ToString(CultureInfo.InvariantCulture)));
        headers.Add(OriginalOffsetHeader, Utf8(result.Offset.Value.ToString(CultureInfo.InvariantCulture)));
        return headers;
    }

    private static byte[] Utf8(string value) => Encoding.UTF8.GetBytes(value);

    [LoggerMessage(Level = LogLevel.Error, Message = "Event at {Topic}/{Partition}@{Offset} went to {DeadLetterTopic}: {Reason}")]
    private static partial void LogDeadLettered(ILogger logger, string topic, int partition, long offset, string deadLetterTopic, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing to dead-letter topic {Topic} failed: {Reason}; retrying")]
    private static partial void LogDeadLetterFailed(ILogger logger, string topic, string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Event at {Topic}/{Partition}@{Offset} cannot be handled ({HandlingReason}) and cannot be written to {DeadLetterTopic} ({Reason}); it is skipped and stays at that position")]
    private static partial void LogDeadLetterImpossible(ILogger logger, string topic, int partition, long offset, string deadLetterTopic, string reason, string handlingReason);
}
