using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using EfaPlatform.Contracts.Events.V1;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace EfaPlatform.Messaging.Events;

/// <summary>
/// The CloudEvents type of an event payload, declared in its .proto with <c>option (efa.events.v1.event_type)</c>,
/// and the service (hence the topic) it belongs to.
/// </summary>
public sealed partial record EventType(string Name, string Service, MessageDescriptor Descriptor)
{
    private static readonly ConcurrentDictionary<Type, EventType> Cache = new();

    public static EventType Of<TEvent>() where TEvent : IMessage<TEvent>, new() =>
        Cache.GetOrAdd(typeof(TEvent), _ => FromDescriptor(new TEvent().Descriptor));

    public static EventType FromDescriptor(MessageDescriptor descriptor)
    {
        var name = descriptor.GetOptions()?.GetExtension(OptionsExtensions.EventType);
        if (string.IsNullOrEmpty(name))
        {
            throw new InvalidOperationException(
                $"Message {descriptor.FullName} is not an event: it lacks option (efa.events.v1.event_type).");
        }

        var match = Pattern().Match(name);
        if (!match.Success)
        {
            throw new InvalidOperationException(
                $"Event type '{name}' of {descriptor.FullName} does not follow de.efa.<service>.<event>.v<version>.");
        }

        return new EventType(name, match.Groups["service"].Value, descriptor);
    }

    [GeneratedRegex(@"^de\.efa\.(?<service>[a-z][a-z0-9-]*)\.[a-z0-9.-]+\.v[0-9]+$")]
    private static partial Regex Pattern();
}
