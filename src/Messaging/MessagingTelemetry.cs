using System.Diagnostics;

namespace EfaPlatform.Messaging;

/// <summary>Spans named after the OpenTelemetry messaging conventions: "{event type} publish" and "{event type} receive".</summary>
internal static class MessagingTelemetry
{
    public static readonly ActivitySource Source = new("EfaPlatform.Messaging");

    public static Activity? StartPublish(string eventType, string topic, string? parentTraceParent, string? parentTraceState)
    {
        ActivityContext.TryParse(parentTraceParent, parentTraceState, out var parent);
        var activity = Source.StartActivity($"{eventType} publish", ActivityKind.Producer, parent);
        activity?.SetTag("messaging.system", "kafka");
        activity?.SetTag("messaging.operation.type", "publish");
        activity?.SetTag("messaging.destination.name", topic);
        return activity;
    }

    public static Activity? StartReceive(string eventType, string topic, string consumerGroup, string? traceParent, string? traceState)
    {
        ActivityLink[]? links = null;
        if (ActivityContext.TryParse(traceParent, traceState, out var producer))
        {
            links = [new ActivityLink(producer)];
        }

        var activity = Source.StartActivity($"{eventType} receive", ActivityKind.Consumer, producer, links: links);
        activity?.SetTag("messaging.system", "kafka");
        activity?.SetTag("messaging.operation.type", "receive");
        activity?.SetTag("messaging.destination.name", topic);
        activity?.SetTag("messaging.consumer.group.name", consumerGroup);
        return activity;
    }
}
