using System.Text;
using CloudNative.CloudEvents;
using Confluent.Kafka;

namespace EfaPlatform.Messaging.Events;

/// <summary>CloudEvents 1.0 in Kafka's binary content mode: attributes as ce_* headers, the payload as the value.</summary>
public static class KafkaCloudEvents
{
    public const string ContentTypeHeader = "content-type";
    public const string ProtobufContentType = "application/protobuf";
    public const string TraceParentHeader = "traceparent";
    public const string TraceStateHeader = "tracestate";
    private const string AttributePrefix = "ce_";

    public static Headers ToHeaders(CloudEvent cloudEvent)
    {
        if (!cloudEvent.IsValid)
        {
            throw new ArgumentException("The CloudEvent lacks a required attribute (id, source or type).", nameof(cloudEvent));
        }

        var headers = new Headers
        {
            { AttributePrefix + CloudEventsSpecVersion.SpecVersionAttribute.Name, Encoding.UTF8.GetBytes(cloudEvent.SpecVersion.VersionId) },
        };
        foreach (var (attribute, value) in cloudEvent.GetPopulatedAttributes())
        {
            var name = attribute == cloudEvent.SpecVersion.DataContentTypeAttribute ? ContentTypeHeader : AttributePrefix + attribute.Name;
            headers.Add(name, Encoding.UTF8.GetBytes(attribute.Format(value)));
        }

        return headers;
    }

    /// <summary>Reads the CloudEvent attributes of a Kafka message; the payload stays in the message value.</summary>
    /// <exception cref="FormatException">The headers do not make a valid CloudEvent.</exception>
    public static CloudEvent FromHeaders(Headers? headers)
    {
        if (headers is null)
        {
            throw new FormatException("The message has no headers: not a CloudEvent in binary content mode.");
        }

        var specVersionId = Read(headers, AttributePrefix + CloudEventsSpecVersion.SpecVersionAttribute.Name)
            ?? throw new FormatException("Header ce_specversion is missing: not a CloudEvent in binary content mode.");
        var specVersion = CloudEventsSpecVersion.FromVersionId(specVersionId)
            ?? throw new FormatException($"Unsupported CloudEvents spec version '{specVersionId}'.");

        var cloudEvent = new CloudEvent(specVersion);
        foreach (var header in headers)
        {
            var isAttribute = header.Key == ContentTypeHeader || header.Key.StartsWith(AttributePrefix, StringComparison.Ordinal);
            if (!isAttribute)
            {
                continue;
            }

            var value = header.GetValueBytes() is { } bytes
                ? Encoding.UTF8.GetString(bytes)
                : throw new FormatException($"Header {header.Key} has no value.");
            if (header.Key == ContentTypeHeader)
            {
                cloudEvent.DataContentType = value;
            }
            else if (header.Key.StartsWith(AttributePrefix, StringComparison.Ordinal)
                     && header.Key != AttributePrefix + CloudEventsSpecVersion.SpecVersionAttribute.Name)
            {
                try
                {
                    cloudEvent.SetAttributeFromString(header.Key[AttributePrefix.Length..], value);
                }
                catch (ArgumentException e)
                {
                    throw new FormatException($"Header {header.Key} is not a valid CloudEvents attribute: {e.Message}", e);
                }
            }
        }

        if (!cloudEvent.IsValid)
        {
            throw new FormatException("The message lacks a required CloudEvents header (ce_id, ce_source or ce_type).");
        }

        return cloudEvent;
    }

    /// <summary>The last value of a header as text; null when the header is missing or has no value.</summary>
    public static string? Read(Headers? headers, string name) =>
        headers is not null && headers.TryGetLastBytes(name, out var bytes) && bytes is not null ? Encoding.UTF8.GetString(bytes) : null;
}
