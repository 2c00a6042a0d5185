using System.Text;
using CloudNative.CloudEvents;
using Confluent.Kafka;
using EfaPlatform.Messaging.Events;

namespace EfaPlatform.Messaging.Tests;

public sealed class CloudEventHeaderTests
{
    [Fact]
    public void Attributes_travel_as_ce_headers_and_come_back_unchanged()
    {
        var time = new DateTimeOffset(2026, 11, 23, 8, 30, 0, TimeSpan.Zero);
        var original = new CloudEvent(CloudEventsSpecVersion.V1_0)
        {
            Id = "0193a1b2-0000-7000-8000-000000000001",
            Type = "de.efa.forms.submission.submitted.v1",
            Source = new Uri("/efa/forms", UriKind.Relative),
            Subject = "submissions/HD-2026-000123",
            Time = time,
            DataContentType = KafkaCloudEvents.ProtobufContentType,
        };

        var headers = KafkaCloudEvents.ToHeaders(original);
        Assert.Equal("1.0", KafkaCloudEvents.Read(headers, "ce_specversion"));
        Assert.Equal("de.efa.forms.submission.submitted.v1", KafkaCloudEvents.Read(headers, "ce_type"));
        Assert.Equal("/efa/forms", KafkaCloudEvents.Read(headers, "ce_source"));
        Assert.Equal("application/protobuf", KafkaCloudEvents.Read(headers, "content-type"));

        var read = KafkaCloudEvents.FromHeaders(headers);
        Assert.Equal(original.Id, read.Id);
        Assert.Equal(original.Type, read.Type);
        Assert.Equal(original.Source, read.Source);
        Assert.Equal(original.Subject, read.Subject);
        Assert.Equal(time, read.Time);
    }

    [Theory]
    [InlineData("ce_id")]
    [InlineData("ce_type")]
    [InlineData("ce_source")]
    [InlineData("ce_specversion")]
    public void A_message_lacking_a_required_attribute_is_refused(string missing)
    {
        var headers = new Headers();
        foreach (var (name, value) in new[] { ("ce_specversion", "1.0"), ("ce_id", "1"), ("ce_type", "de.efa.x.y.v1"), ("ce_source", "/efa/x") })
        {
            if (name != missing)
            {
                headers.Add(name, Encoding.UTF8.GetBytes(value));
            }
        }

        Assert.Throws<FormatException>(() => KafkaCloudEvents.FromHeaders(headers));
    }

    [Fact]
    public void A_malformed_time_is_refused_with_the_header_named()
    {
        var headers = new Headers
        {
            { "ce_specversion", "1.0"u8.ToArray() }, { "ce_id", "1"u8.ToArray() }, { "ce_type", "de.efa.x.y.v1"u8.ToArray() },
            { "ce_source", "/efa/x"u8.ToArray() }, { "ce_time", "yesterday"u8.ToArray() },
        };

        var error = Assert.Throws<FormatException>(() => KafkaCloudEvents.FromHeaders(headers));
        Assert.Contains("ce_time", error.Message, StringComparison.Ordinal);
    }
}
