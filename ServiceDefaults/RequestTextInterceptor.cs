using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace EfaPlatform.ServiceDefaults;

/// <summary>
/// One rule for every text a caller sends, in every field of every request (answers included): control characters other
/// than tab, line feed and carriage return are refused with a field error before the service sees the request. PostgreSQL
/// cannot store NUL, and no form, name or note needs the others.
/// </summary>
public sealed class RequestTextInterceptor : Interceptor
{
    private const int MaxViolations = 20;

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Check(request);
        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(request);
        return continuation(request, responseStream, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        continuation(new CheckedStream<TRequest>(requestStream), context);

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        continuation(new CheckedStream<TRequest>(requestStream), responseStream, context);

    /// <summary>Every message of a request stream is checked as it is read.</summary>
    private sealed class CheckedStream<TRequest>(IAsyncStreamReader<TRequest> inner) : IAsyncStreamReader<TRequest>
    {
        public TRequest Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            if (!await inner.MoveNext(cancellationToken))
            {
                return false;
            }

            Check(inner.Current);
            return true;
        }
    }

    /// <summary>Refuses <paramref name="request"/> when any text in it holds a control character.</summary>
    public static void Check(object? request)
    {
        if (request is not IMessage message)
        {
            return;
        }

        var errors = new FieldErrors();
        var found = 0;
        Visit(message, "", errors, ref found);
        errors.ThrowIfAny();
    }

    private static void Visit(IMessage message, string path, FieldErrors errors, ref int found)
    {
        switch (message)
        {
            case Struct structure:
                foreach (var (key, value) in structure.Fields)
                {
                    var child = Join(path, key);
                    CheckText(key, child, errors, ref found);
                    Visit(value, child, errors, ref found);
                }

                return;
            case Value value:
                if (value.KindCase == Value.KindOneofCase.StringValue)
                {
                    CheckText(value.StringValue, path, errors, ref found);
                }
                else if (value.KindCase == Value.KindOneofCase.StructValue)
                {
                    Visit(value.StructValue, path, errors, ref found);
                }
                else if (value.KindCase == Value.KindOneofCase.ListValue)
                {
                    for (var i = 0; i < value.ListValue.Values.Count; i++)
                    {
                        Visit(value.ListValue.Values[i], $"{path}[{i}]", errors, ref found);
                    }
                }

                return;
        }

        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            if (field.FieldType is not (FieldType.String or FieldType.Message))
            {
                continue;
            }

            var child = Join(path, field.Name);
            var content = field.Accessor.GetValue(message);
            switch (content)
            {
                case string text:
                    CheckText(text, child, errors, ref found);
                    break;
                case IMessage nested:
                    Visit(nested, child, errors, ref found);
                    break;
                case System.Collections.IDictionary map:
                    foreach (System.Collections.DictionaryEntry entry in map)
                    {
                        var entryPath = $"{child}[{entry.Key}]";
                        VisitItem(entry.Key, entryPath, errors, ref found);
                        VisitItem(entry.Value, entryPath, errors, ref found);
                    }

                    break;
                case System.Collections.IList list:
                    for (var i = 0; i < list.Count; i++)
                    {
                        VisitItem(list[i], $"{child}[{i}]", errors, ref found);
                    }

                    break;
            }
        }
    }

    private static void VisitItem(object? item, string path, FieldErrors errors, ref int found)
    {
        if (item is string text)
        {
            CheckText(text, path, errors, ref found);
        }
        else if (item is IMessage nested)
        {
            Visit(nested, path, errors, ref found);
        }
    }

    /// <summary>The position of the first control character other than tab and line breaks, or null.</summary>
    public static int? ControlCharacterIn(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsControl(text[i]) && text[i] is not ('\t' or '\n' or '\r'))
            {
                return i;
            }
        }

        return null;
    }

    private static void CheckText(string text, string path, FieldErrors errors, ref int found)
    {
        if (found < MaxViolations && ControlCharacterIn(text) is { } i)
        {
            errors.Add(path, $"must not contain control characters (U+{(int)text[i]:X4} at position {i + 1}); only tab and line breaks are allowed", "controlCharacter");
            found++;
        }
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";
}
