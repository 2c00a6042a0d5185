using System.ComponentModel.DataAnnotations;

namespace EfaPlatform.Messaging;

/// <summary>Configuration section "Messaging".</summary>
public sealed class MessagingOptions
{
    public const string SectionName = "Messaging";

    /// <summary>
    /// The service that publishes: CloudEvents source "/efa/{Service}" and default consumer group. Defaults to the
    /// service's name (<see cref="ServiceDefaults.ServiceName"/>); set it only to run a service under another name.
    /// </summary>
    [Required(ErrorMessage = "Messaging:Service must not be empty (the publishing service's name, for example 'forms').")]
    [RegularExpression("^[a-z][a-z0-9-]*$", ErrorMessage = "Messaging:Service must be a lower-case name such as 'forms'.")]
    public string Service { get; set; } = "";

    /// <summary>Consumer group; defaults to the service name so that replicas share the work.</summary>
    public string? ConsumerGroup { get; set; }

    /// <summary>Topic per service when it is not "efa.{service}" (for example a per-environment prefix).</summary>
    public Dictionary<string, string> Topics { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Handler attempts before an event goes to the dead-letter topic.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Delay before the second attempt; doubled for each further one, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether this process runs the outbox relay (a deployment may run it in a dedicated process instead).</summary>
    public bool RelayEnabled { get; set; } = true;

    /// <summary>Outbox rows the relay publishes per transaction.</summary>
    [Range(1, 10_000)]
    public int RelayBatchSize { get; set; } = 500;

    /// <summary>How often the relay looks for new outbox rows when the last look found none.</summary>
    public TimeSpan RelayPollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long the producer keeps trying to deliver one event before reporting failure.</summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Longest time a broker holds a fetch when no new event is there (Kafka's fetch.wait.max.ms). The development
    /// cluster answers only when it has passed, so this bounds event latency there.
    /// </summary>
    public TimeSpan FetchWaitMax { get; set; } = TimeSpan.FromMilliseconds(500);

    public string ConsumerGroupOrDefault => string.IsNullOrWhiteSpace(ConsumerGroup) ? Service : ConsumerGroup;

    public string TopicFor(string service) => Topics.TryGetValue(service, out var topic) ? topic : Contracts.Events.EventTopics.TopicOf(service);

    public const string DeadLetterSuffix = Contracts.Events.EventTopics.DeadLetterSuffix;

    public static string DeadLetterTopicFor(string topic) => topic + DeadLetterSuffix;

    /// <summary>The CloudEvents source of everything a service publishes.</summary>
    public static string SourceOf(string service) => $"/efa/{service}";
}
