using System.Text;
using CloudNative.CloudEvents;
using Confluent.Kafka;
using EfaPlatform.Messaging.Events;
using EfaPlatform.ServiceDefaults;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace EfaPlatform.Messaging.Consuming;

/// <summary>
/// Consumes the topics of every subscribed event type. Each event is handled in one transaction together with its
/// inbox row; its offset is stored for commit only after that transaction (or after it went to the dead-letter topic).
/// </summary>
public sealed partial class EventConsumer(
    IServiceScopeFactory scopes,
    NpgsqlDataSource dataSource,
    Subscriptions subscriptions,
    KafkaConnection kafka,
    IOptions<MessagingOptions> options,
    ILogger<EventConsumer> logger) : BackgroundService
{
    public const string DeadLetterReasonHeader = "efa_dlq_reason";
    public const string DeadLetterAttemptsHeader = "efa_dlq_attempts";
    public const string DeadLetterGroupHeader = "efa_dlq_consumer_group";
    public const string OriginalTopicHeader = "efa_original_topic";
    public const string OriginalPartitionHeader = "efa_original_partition";
    public const string OriginalOffsetHeader = "efa_original_offset";
    private const int MaxReasonLength = 1000;

    private const string RecordInInbox = """
        insert into messaging.inbox (consumer_group, event_id, event_type) values ($1, $2, $3)
        on conflict do nothing
        """;

    private MessagingOptions Options => options.Value;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        // Consume() blocks; it gets a thread of its own instead of holding up host start.
        Task.Factory.StartNew(() => RunAsync(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        var topics = subscriptions.All.Select(s => Options.TopicFor(s.EventType.Service)).Distinct().ToList();
        if (topics.Count == 0)
        {
            return;
        }

        using var consumer = KafkaClients.CreateConsumer(kafka.BootstrapServers, Options, logger);
        using var deadLetters = KafkaClients.CreateProducer(kafka.BootstrapServers, Options, logger);
        consumer.Subscribe(topics);
        LogSubscribed(logger, Options.ConsumerGroupOrDefault, string.Join(", ", topics));
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                ConsumeResult<string, byte[]>? result;
                try
                {
                    result = consumer.Consume(stoppingToken);
                }
                catch (ConsumeException e)
                {
                    LogConsumeFailed(logger, e.Error.Reason);
                    continue;
                }

                if (result?.Message is null)
                {
                    continue;
                }

                await ProcessAsync(result, deadLetters, stoppingToken);
                consumer.StoreOffset(result);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            consumer.Close();
        }
    }

    private async Task ProcessAsync(ConsumeResult<string, byte[]> result, IProducer<string, byte[]> deadLetters, CancellationToken cancellationToken)
    {
        CloudEvent cloudEvent;
        try
        {
            cloudEvent = KafkaCloudEvents.FromHeaders(result.Message.Headers);
        }
        catch (FormatException e)
        {
            await DeadLetterAsync(result, deadLetters, e.Message, 1, cancellationToken);
            return;
        }

        if (!subscriptions.TryGet(cloudEvent.Type!, out var subscription))
        {
            return;
        }

        using var activity = MessagingTelemetry.StartReceive(
            cloudEvent.Type!, result.Topic, Options.ConsumerGroupOrDefault,
            KafkaCloudEvents.Read(result.Message.Headers, KafkaCloudEvents.TraceParentHeader),
            KafkaCloudEvents.Read(result.Message.Headers, KafkaCloudEvents.TraceStateHeader));

        string reason = "";
        for (var attempt = 1; attempt <= Options.MaxAttempts; attempt++)
        {
            var incoming = new IncomingEvent(
                cloudEvent.Id!, cloudEvent.Type!, cloudEvent.Source?.ToString() ?? "", cloudEvent.Subject, cloudEvent.Time,
                result.Message.Key ?? "", result.Message.Value ?? [], attempt);
            try
            {
                await HandleOnceAsync(subscription, incoming, cancellationToken);
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (InvalidProtocolBufferException e)
            {
                // A payload that cannot be parsed will not parse on a retry either.
                await DeadLetterAsync(result, deadLetters, $"Payload is not a valid {subscription.EventType.Descriptor.FullName}: {e.Message}", attempt, cancellationToken);
                return;
            }
            catch (Exception e)
            {
                reason = $"{e.GetType().Name}: {e.Message}";
                LogHandlerFailed(logger, e, cloudEvent.Type!, cloudEvent.Id!, attempt, Options.MaxAttempts);
                if (attempt < Options.MaxAttempts)
                {
                    await Task.Delay(Backoff.For(attempt, Options.RetryDelay, Options.MaxRetryDelay), cancellationToken);
                }
            }
        }

        await DeadLetterAsync(result, deadLetters, reason, Options.MaxAttempts, cancellationToken);
    }

    private async Task HandleOnceAsync(Subscription subscription, IncomingEvent incoming, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var record = new NpgsqlCommand(RecordInInbox, connection, transaction);
        record.Parameters.AddWithValue(Options.ConsumerGroupOrDefault);
        record.Parameters.AddWithValue(incoming.Id);
        record.Parameters.AddWithValue(incoming.Type);
        var isFirstDelivery = await record.ExecuteNonQueryAsync(cancellationToken) == 1;
        if (isFirstDelivery)
        {
            await subscription.Dispatch(scope.ServiceProvider, incoming, transaction, cancellationToken);
        }
        else
        {
            LogDuplicate(logger, incoming.Type, incoming.Id);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private async Task DeadLetterAsync(
        ConsumeResult<string, byte[]> result, IProducer<string, byte[]> deadLetters, string reason, int attempts, CancellationToken cancellationToken)
    {
        var headers = new Headers();
        foreach (var header in result.Message.Headers)
        {
            headers.Add(header.Key, header.GetValueBytes());
        }

        headers.Add(DeadLetterReasonHeader, Utf8(reason.Length > MaxReasonLength ? reason[..MaxReasonLength] : reason));
        headers.Add(DeadLetterAttemptsHeader, Utf8(attempts.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        headers.Add(DeadLetterGroupHeader, Utf8(Options.ConsumerGroupOrDefault));
        headers.Add(OriginalTopicHeader, Utf8(result.Topic));
        headers.Add(OriginalPartitionHeader, Utf8(result.Partition.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        headers.Add(OriginalOffsetHeader, Utf8(result.Offset.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        var topic = MessagingOptions.DeadLetterTopicFor(result.Topic);
        for (var failures = 1; ; failures++)
        {
            try
            {
                await deadLetters.ProduceAsync(topic, new Message<string, byte[]> { Key = result.Message.Key, Value = result.Message.Value, Headers = headers }, cancellationToken);
                LogDeadLettered(logger, result.Topic, result.Partition.Value, result.Offset.Value, topic);
                return;
            }
            catch (ProduceException<string, byte[]> e)
            {
                // The offset must not move past an event that is neither handled nor dead-lettered.
                LogDeadLetterFailed(logger, topic, e.Error.Reason);
                await Task.Delay(Backoff.For(failures, Options.RetryDelay, Options.MaxRetryDelay), cancellationToken);
            }
        }
    }

    private static byte[] Utf8(string value) => Encoding.UTF8.GetBytes(value);

    [LoggerMessage(Level = LogLevel.Information, Message = "Consumer group {Group} subscribed to {Topics}")]
    private static partial void LogSubscribed(ILogger logger, string group, string topics);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consuming failed: {Reason}")]
    private static partial void LogConsumeFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Handler for {EventType} failed on event {EventId}, attempt {Attempt} of {MaxAttempts}")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string eventType, string eventId, int attempt, int maxAttempts);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Event {EventType} {EventId} was handled before; skipped")]
    private static partial void LogDuplicate(ILogger logger, string eventType, string eventId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Event at {Topic}/{Partition}@{Offset} went to {DeadLetterTopic}")]
    private static partial void LogDeadLettered(ILogger logger, string topic, int partition, long offset, string deadLetterTopic);

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing to dead-letter topic {Topic} failed: {Reason}; retrying")]
    private static partial void LogDeadLetterFailed(ILogger logger, string topic, string reason);
}
