using EfaPlatform.Messaging.Events;
using EfaPlatform.Messaging.Tests.Events;

namespace EfaPlatform.Messaging.Tests;

public sealed class EventTypeTests
{
    [Fact]
    public void The_type_comes_from_the_proto_option_and_names_the_service()
    {
        var type = EventType.Of<ItemChanged>();
        Assert.Equal("de.efa.testing.item.changed.v1", type.Name);
        Assert.Equal("testing", type.Service);
    }

    [Fact]
    public void A_message_without_the_option_is_not_an_event()
    {
        var error = Assert.Throws<InvalidOperationException>(() => EventType.Of<NotAnEvent>());
        Assert.Contains("efa.testing.v1.NotAnEvent", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Topics_are_one_per_service_unless_configured_otherwise()
    {
        var options = new MessagingOptions { Service = "forms", Topics = { ["payment"] = "staging.efa.payment" } };
        Assert.Equal("efa.forms", options.TopicFor("forms"));
        Assert.Equal("staging.efa.payment", options.TopicFor("payment"));
        Assert.Equal("efa.forms.dlq", MessagingOptions.DeadLetterTopicFor("efa.forms"));
        Assert.Contains("efa.routing.dlq", PlatformTopics.All);
        // Topics come from the event types the contracts declare: every publishing service, and only those.
        Assert.Equal(["documents", "forms", "payment", "routing"], Contracts.Events.EventTopics.PublishingServices);
    }

    [Theory]
    [InlineData(1, 200)]
    [InlineData(2, 400)]
    [InlineData(4, 1600)]
    [InlineData(20, 10_000)]
    public void Retry_delays_double_up_to_the_maximum(int attempt, int expectedMilliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), Backoff.For(attempt, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10)));
}
