using EfaPlatform.Contracts.Events.V1;
using EfaPlatform.Messaging.Events;

namespace EfaPlatform.Messaging.Tests;

/// <summary>The platform's event contracts name valid CloudEvents types, and each goes to its service's topic.</summary>
public sealed class PlatformEventTests
{
    public static TheoryData<string, string, string> Events => new()
    {
        { EventType.Of<SubmissionSubmitted>().Name, "forms", "de.efa.forms.submission.submitted.v1" },
        { EventType.Of<SubmissionWithdrawn>().Name, "forms", "de.efa.forms.submission.withdrawn.v1" },
        { EventType.Of<PaymentSucceeded>().Name, "payment", "de.efa.payment.payment.succeeded.v1" },
        { EventType.Of<PaymentFailed>().Name, "payment", "de.efa.payment.payment.failed.v1" },
        { EventType.Of<SubmissionDelivered>().Name, "routing", "de.efa.routing.submission.delivered.v1" },
        { EventType.Of<SubmissionDecided>().Name, "routing", "de.efa.routing.submission.decided.v1" },
    };

    [Theory]
    [MemberData(nameof(Events))]
    public void Each_event_declares_its_type_and_lands_on_its_services_topic(string actual, string service, string expected)
    {
        Assert.Equal(expected, actual);
        var type = EventType.FromDescriptor(SubmissionSubmitted.Descriptor.File.MessageTypes
            .Concat(PaymentSucceeded.Descriptor.File.MessageTypes).Concat(SubmissionDelivered.Descriptor.File.MessageTypes)
            .Single(m => EventType.FromDescriptor(m).Name == expected));
        Assert.Equal(service, type.Service);
        Assert.Contains($"efa.{service}", PlatformTopics.All);
        Assert.Equal($"efa.{service}", new MessagingOptions { Service = "x" }.TopicFor(type.Service));
    }
}
