namespace EfaPlatform.Messaging;

/// <summary>One topic per service, each with its dead-letter topic. Development clusters create these at start.</summary>
public static class PlatformTopics
{
    public static IReadOnlyList<string> Services { get; } = ["identity", "forms", "payment", "documents", "routing"];

    public static IReadOnlyList<string> All { get; } = Services
        .Select(service => $"efa.{service}")
        .SelectMany(topic => new[] { topic, MessagingOptions.DeadLetterTopicFor(topic) })
        .ToList();
}
