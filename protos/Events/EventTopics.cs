using System.Reflection;
using EfaPlatform.Contracts.Events.V1;
using Google.Protobuf.Reflection;

namespace EfaPlatform.Contracts.Events;

/// <summary>
/// Which topics exist, read from the contracts themselves: a service that publishes events has a topic efa.{service}
/// (and its dead-letter topic), and the services that publish are those named in the protos' event types
/// (<c>option (efa.events.v1.event_type) = "de.efa.payment.…"</c> → payment). No hand-kept list to forget.
/// </summary>
public static class EventTopics
{
    public const string DeadLetterSuffix = ".dlq";

    /// <summary>The services that publish events, in the order their names sort.</summary>
    public static IReadOnlyList<string> PublishingServices { get; } = typeof(EventTopics).Assembly.GetTypes()
        .Select(type => type.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null))
        .OfType<FileDescriptor>()
        .SelectMany(file => file.MessageTypes)
        .Select(message => message.GetOptions()?.GetExtension(OptionsExtensions.EventType))
        .OfType<string>()
        .Where(type => type.StartsWith("de.efa.", StringComparison.Ordinal))
        .Select(type => type.Split('.')[2])
        .Distinct()
        .Order(StringComparer.Ordinal)
        .ToList();

    public static string TopicOf(string service) => $"efa.{service}";

    /// <summary>The topic and dead-letter topic of each service.</summary>
    public static IReadOnlyList<string> TopicsFor(IEnumerable<string> services) =>
        services.Distinct().Order(StringComparer.Ordinal)
            .SelectMany(service => new[] { TopicOf(service), TopicOf(service) + DeadLetterSuffix })
            .ToList();
}
