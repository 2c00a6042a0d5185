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
/// inbox row (keyed by consumer group, source and id); its offset is stored for commit only after that transaction, or
/// after it went to the dead-letter topic. An event type is accepted only from the topic and source of the service that
/// publishes it. While the database (or another dependency) is unreachable, the consumer waits and tries the same event
/// again without counting it as a failure; only the handler's own errors count towards the dead-letter limit. Nothing a
/// message carries can stop the consumer: what cannot be read is dead-lettered.
/// </summary>
public sealed partial class EventConsumer(
    IServiceScopeFactory scopes,
    NpgsqlDataSource dataSource,
    Subscriptions subscriptions,
    KafkaConnection kafka,
    IOptions<MessagingOptions> options,
    ILogger<EventConsumer> logger) : BackgroundService
{
    private const string RecordInInbox = """
        insert into messaging.inbox (consumer_group, source, event_id, event_type) values ($1, $2, $3, $4)
        on conflict do nothing
        """;

    private MessagingOptions Options => options.Value;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        // Consume() blocks; it gets a thread of its own instead of holding up host start.
        Task.Factory.StartNew(() => RunAsync(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        var topics = subscriptions.All.Select(s => Options.TopicFor(s.Publisher)).Distinct().ToList();
        if (topics.Count == 0)
        {
            return;
        }

        using var consumer = KafkaClients.CreateConsumer(kafka, Options, logger);
        using var producer = KafkaClients.CreateProducer(kafka, Options, logger);
        var deadLetters = new DeadLetters(producer, Options, logger);
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

                try
                {
                    await ProcessAsync(result, deadLetters, stoppingToken);
                }
                catch (InvalidOperationException e) when (e.InnerException is KafkaException { Error.IsFatal: true })
                {
                    throw;
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    await deadLetters.WriteAsync(result, $"Unreadable message: {e.GetType().Name}: {e.Message}", 1, stoppingToken);
                }

                StoreOffset(consumer, result);
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

    private void StoreOffset(IConsumer<string, byte[]> consumer, ConsumeResult<string, byte[]> result)
    {
        try
        {
            consumer.StoreOffset(result);
        }
        catch (KafkaException e)
        {
            // The partition went to another consumer meanwhile (a long outage): it reads the event again, and the
            // inbox makes that a no-op.
            LogOffsetNotStored(logger, result.Topic, result.Partition.Value, result.Offset.Value, e.Error.Reason);
        }
    }

    private async Task ProcessAsync(ConsumeResult<string, byte[]> result, DeadLetters deadLetters, CancellationToken cancellationToken)
    {
        CloudEvent cloudEvent;
        try
        {
            cloudEvent = KafkaCloudEvents.FromHeaders(result.Message.Headers);
        }
        catch (FormatException e)
        {
            await deadLetters.WriteAsync(result, e.Message, 1, cancellationToken);
            return;
        }

        if (!subscriptions.TryGet(cloudEvent.Type!, out var subscription))
        {
            return;
        }

        var source = cloudEvent.Source!.ToString();
        if (Refusal(subscription, result.Topic, source) is { } refusal)
        {
            await deadLetters.WriteAsync(result, refusal, 1, cancellationToken);
            return;
        }

        using var activity = MessagingTelemetry.StartReceive(
            cloudEvent.Type!, result.Topic, Options.ConsumerGroupOrDefault,
            KafkaCloudEvents.Read(result.Message.Headers, KafkaCloudEvents.TraceParentHeader),
            KafkaCloudEvents.Read(result.Message.Headers, KafkaCloudEvents.TraceStateHeader));

        string reason = "";
        var outage = 0;
        for (var attempt = 1; attempt <= Options.MaxAttempts;)
        {
            var incoming = new IncomingEvent(
                cloudEvent.Id!, cloudEvent.Type!, source, cloudEvent.Subject, cloudEvent.Time,
                result.Message.Key ?? "", result.Message.Value ?? [], attempt);
            try
            {
                await HandleOnceAsync(subscription, incoming, cancellationToken);
                if (outage > 0)
                {
                    LogRecovered(logger, cloudEvent.Type!, cloudEvent.Id!, outage);
                }

                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (InvalidProtocolBufferException e)
            {
                // A payload that cannot be parsed will not parse on a retry either.
                await deadLetters.WriteAsync(result, $"Payload is not a valid {subscription.EventType.Descriptor.FullName}: {e.Message}", attempt, cancellationToken);
                return;
            }
            catch (Exception e) when (InfrastructureFailures.IsTransient(e))
            {
                outage++;
                InfrastructureFailures.ForgetBrokenConnections(e);
                LogWaitingForInfrastructure(logger, cloudEvent.Type!, cloudEvent.Id!, e.GetType().Name, e.Message);
                await Task.Delay(Backoff.For(outage, Options.RetryDelay, Options.MaxRetryDelay), cancellationToken);
            }
            catch (Exception e)
            {
                reason = $"{e.GetType().Name}: {e.Message}";
                LogHandlerFailed(logger, e, cloudEvent.Type!, cloudEvent.Id!, attempt, Options.MaxAttempts);
                if (attempt < Options.MaxAttempts)
                {
                    await Task.Delay(Backoff.For(attempt, Options.RetryDelay, Options.MaxRetryDelay), cancellationToken);
                }

                attempt++;
            }
        }

        await deadLetters.WriteAsync(result, reason, Options.MaxAttempts, cancellationToken);
    }

    /// <summary>Why an event is refused although its type is subscribed: it came from a service that does not own the type.</summary>
    private string? Refusal(Subscription subscription, string topic, string source)
    {
        var expectedTopic = Options.TopicFor(subscription.Publisher);
        var expectedSource = MessagingOptions.SourceOf(subscription.Publisher);
        return topic == expectedTopic && source == expectedSource
            ? null
            : $"{subscription.EventType.Name} is accepted only from topic {expectedTopic} with source {expectedSource}, not from {topic} with source {source}.";
    }

    private async Task HandleOnceAsync(Subscription subscription, IncomingEvent incoming, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var record = new NpgsqlCommand(RecordInInbox, connection, transaction);
        record.Parameters.AddWithValue(Options.ConsumerGroupOrDefault);
        record.Parameters.AddWithValue(incoming.Source);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Consumer group {Group} subscribed to {Topics}")]
    private static partial void LogSubscribed(ILogger logger, string group, string topics);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consuming failed: {Reason}")]
    private static partial void LogConsumeFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Handler for {EventType} failed on event {EventId}, attempt {Attempt} of {MaxAttempts}")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string eventType, string eventId, int attempt, int maxAttempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventType} {EventId} waits for a dependency ({ExceptionType}: {ExceptionMessage}); consuming pauses until it is back")]
    private static partial void LogWaitingForInfrastructure(ILogger logger, string eventType, string eventId, string exceptionType, string exceptionMessage);

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventType} {EventId} handled after {Tries} tries during an outage; consuming goes on")]
    private static partial void LogRecovered(ILogger logger, string eventType, string eventId, int tries);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Event {EventType} {EventId} was handled before; skipped")]
    private static partial void LogDuplicate(ILogger logger, string eventType, string eventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Offset of {Topic}/{Partition}@{Offset} not stored: {Reason}")]
    private static partial void LogOffsetNotStored(ILogger logger, string topic, int partition, long offset, string reason);
}
