using System.Text.Json.Nodes;
using Google.Protobuf.Reflection;

namespace EfaPlatform.ServiceDefaults.OpenApi;

/// <summary>JSON schemas of protobuf messages as JSON transcoding writes them (proto3 JSON mapping, camelCase names).</summary>
internal sealed class SchemaWriter
{
    public JsonObject Components { get; } = new();

    public JsonNode Reference(MessageDescriptor message)
    {
        if (WellKnown(message) is { } known)
        {
            return known;
        }

        if (!Components.ContainsKey(message.FullName))
        {
            Components[message.FullName] = new JsonObject(); // placeholder first: messages may refer to themselves
            Components[message.FullName] = Object(message, []);
        }

        return new JsonObject { ["$ref"] = $"#/components/schemas/{message.FullName}" };
    }

    /// <summary>A request body of "*": the message without the fields bound from the path.</summary>
    public JsonNode Body(MessageDescriptor message, IReadOnlyCollection<string> pathFields) =>
        pathFields.Count == 0 ? Reference(message) : Object(message, pathFields);

    public JsonNode Of(FieldDescriptor field)
    {
        if (field.IsMap)
        {
            return new JsonObject { ["type"] = "object", ["additionalProperties"] = Of(field.MessageType.FindFieldByNumber(2)) };
        }

        var item = field.FieldType == FieldType.Message ? Reference(field.MessageType) : Scalar(field);
        return field.IsRepeated ? new JsonObject { ["type"] = "array", ["items"] = item } : item;
    }

    public static JsonObject Scalar(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.String => new JsonObject { ["type"] = "string" },
        FieldType.Bytes => new JsonObject { ["type"] = "string", ["format"] = "byte" },
        FieldType.Bool => new JsonObject { ["type"] = "boolean" },
        FieldType.Double or FieldType.Float => new JsonObject { ["type"] = "number" },
        FieldType.Int64 or FieldType.UInt64 or FieldType.SInt64 or FieldType.Fixed64 or FieldType.SFixed64 => new JsonObject { ["type"] = "integer", ["format"] = "int64" },
        FieldType.Enum => new JsonObject { ["type"] = "string", ["enum"] = new JsonArray(field.EnumType.Values.Select(v => (JsonNode)v.Name).ToArray()) },
        FieldType.Message => new JsonObject { ["type"] = "object" },
        _ => new JsonObject { ["type"] = "integer", ["format"] = "int32" },
    };

    private JsonObject Object(MessageDescriptor message, IReadOnlyCollection<string> without)
    {
        var properties = new JsonObject();
        foreach (var field in message.Fields.InDeclarationOrder().Where(f => !without.Contains(f.Name)))
        {
            properties[field.JsonName] = Of(field);
        }

        return new JsonObject { ["type"] = "object", ["properties"] = properties };
    }

    private static JsonObject? WellKnown(MessageDescriptor message) => message.FullName switch
    {
        "google.protobuf.Timestamp" => new JsonObject { ["type"] = "string", ["format"] = "date-time" },
        "google.protobuf.Duration" => new JsonObject { ["type"] = "string", ["pattern"] = "^-?[0-9]+(\\.[0-9]+)?s$" },
        "google.protobuf.Struct" => new JsonObject { ["type"] = "object" },
        "google.protobuf.Value" => new JsonObject(),
        "google.protobuf.Empty" => new JsonObject { ["type"] = "object" },
        "google.protobuf.StringValue" => new JsonObject { ["type"] = new JsonArray("string", "null") },
        "google.protobuf.Int64Value" or "google.protobuf.Int32Value" => new JsonObject { ["type"] = new JsonArray("integer", "null") },
        "google.protobuf.BoolValue" => new JsonObject { ["type"] = new JsonArray("boolean", "null") },
        _ => null,
    };
}
