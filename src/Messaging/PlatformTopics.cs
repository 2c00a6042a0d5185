using EfaPlatform.Contracts.Events;

namespace EfaPlatform.Messaging;

/// <summary>The topics of every service that publishes events, each with its dead-letter topic (see <see cref="EventTopics"/>).</summary>
public static class PlatformTopics
{
    public static IReadOnlyList<string> All { get; } = EventTopics.TopicsFor(EventTopics.PublishingServices);
}
