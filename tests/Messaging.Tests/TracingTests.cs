using System.Collections.Concurrent;
using System.Diagnostics;
using EfaPlatform.Messaging.Tests.Events;
using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.Messaging.Tests;

[Collection(InfrastructureCollection.Name)]
public sealed class TracingTests(InfrastructureFixture infrastructure) : IDisposable
{
    private static readonly ActivitySource TestSource = new("EfaPlatform.Tests");
    private readonly ConcurrentBag<Activity> _stopped = [];
    private readonly ActivityListener _listener = new()
    {
        ShouldListenTo = source => source.Name.StartsWith("EfaPlatform.", StringComparison.Ordinal),
        Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
    };

    [Fact]
    public async Task Publish_and_receive_spans_continue_the_trace_of_the_request_that_wrote_the_event()
    {
        _listener.ActivityStopped = _stopped.Add;
        ActivitySource.AddActivityListener(_listener);
        await using var bed = await MessagingTestBed.CreateAsync(infrastructure);
        await bed.StartServiceAsync();

        ActivityTraceId traceId;
        using (var request = TestSource.StartActivity("citizen submits"))
        {
            Assert.NotNull(request);
            traceId = request.TraceId;
            await bed.WriteAsync([new ItemChanged { ItemId = "traced", Version = 1 }]);
        }

        await Eventually.WaitAsync(async () => (await bed.EffectsAsync()).Count == 1, TimeSpan.FromSeconds(60), "the effect");
        var receive = await Eventually.WaitAsync(
            () => Task.FromResult(_stopped.FirstOrDefault(a => a.DisplayName == "de.efa.testing.item.changed.v1 receive" && a.TraceId == traceId)),
            TimeSpan.FromSeconds(10), "the receive span");
        var publish = _stopped.Single(a => a.DisplayName == "de.efa.testing.item.changed.v1 publish" && a.TraceId == traceId);

        Assert.Equal(ActivityKind.Producer, publish.Kind);
        Assert.Equal(ActivityKind.Consumer, receive.Kind);
        Assert.Equal(publish.SpanId, receive.ParentSpanId);
        Assert.Contains(receive.Links, link => link.Context.SpanId == publish.SpanId);
        Assert.Equal(bed.Topic, receive.GetTagItem("messaging.destination.name"));
    }

    public void Dispose() => _listener.Dispose();
}
