using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Google.Api;
using Google.Protobuf.Reflection;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Authorization;

namespace EfaPlatform.ServiceDefaults.OpenApi;

/// <summary>
/// Describes the REST side of a service's gRPC API (its google.api.http rules) as an OpenAPI 3.1 document: paths,
/// parameters, bodies and answers from the proto descriptors, and who may call each operation from the implementation's
/// authorization attributes. Written here because the gRPC Swagger package (Microsoft.AspNetCore.Grpc.Swagger) is not
/// available to this platform; the document is built from the same descriptors JSON transcoding uses.
/// </summary>
public static partial class RestApiDocument
{
    public static JsonObject Build(string title, IEnumerable<GrpcMethodMetadata> methods)
    {
        var paths = new JsonObject();
        var schemas = new SchemaWriter();
        foreach (var (service, method) in Distinct(methods))
        {
            if (method.GetOptions()?.GetExtension(AnnotationsExtensions.Http) is not { } rule || Route(rule) is not var (verb, template))
            {
                continue;
            }

            var pathFields = PathField().Matches(template).Select(m => m.Groups[1].Value).ToList();
            var operation = new JsonObject
            {
                ["operationId"] = $"{method.Service.Name}.{method.Name}",
                ["tags"] = new JsonArray(method.Service.Name),
                ["summary"] = Words(method.Name),
                ["parameters"] = Parameters(method.InputType, pathFields, verb is "get" or "delete" ? rule.Body : "none"),
                ["responses"] = new JsonObject
                {
                    ["200"] = new JsonObject { ["description"] = "OK", ["content"] = Json(schemas.Reference(method.OutputType)) },
                    ["default"] = new JsonObject { ["description"] = "An error as RFC 9457 problem details; field problems under \"errors\" by field, their codes under \"codes\"", ["content"] = Problem() },
                },
            };
            if (rule.Body.Length > 0)
            {
                var body = rule.Body == "*" ? schemas.Body(method.InputType, pathFields) : schemas.Of(method.InputType.FindFieldByName(rule.Body));
                operation["requestBody"] = new JsonObject { ["required"] = true, ["content"] = Json(body) };
            }

            Describe(operation, service, method);
            var path = PathField().Replace(template, m => "{" + m.Groups[1].Value + "}");
            if (paths[path] is not JsonObject item)
            {
                paths[path] = item = new JsonObject();
            }

            item[verb] = operation;
        }

        return new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject { ["title"] = title, ["version"] = "v1" },
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["schemas"] = schemas.Components,
                ["securitySchemes"] = new JsonObject { ["bearer"] = new JsonObject { ["type"] = "http", ["scheme"] = "bearer", ["bearerFormat"] = "JWT" } },
            },
        };
    }

    private static IEnumerable<(Type Service, MethodDescriptor Method)> Distinct(IEnumerable<GrpcMethodMetadata> methods)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var metadata in methods)
        {
            if (seen.Add(metadata.Method.FullName) && Descriptor(metadata.ServiceType)?.FindMethodByName(metadata.Method.Name) is { } method)
            {
                yield return (metadata.ServiceType, method);
            }
        }
    }

    /// <summary>The generated base class is nested in a static class with the service's descriptor.</summary>
    private static ServiceDescriptor? Descriptor(Type implementation)
    {
        for (var type = implementation.BaseType; type is not null; type = type.BaseType)
        {
            if (type.DeclaringType?.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) is ServiceDescriptor descriptor)
            {
                return descriptor;
            }
        }

        return null;
    }

    private static (string Verb, string Template)? Route(HttpRule rule) => rule.PatternCase switch
    {
        HttpRule.PatternOneofCase.Get => ("get", rule.Get),
        HttpRule.PatternOneofCase.Post => ("post", rule.Post),
        HttpRule.PatternOneofCase.Put => ("put", rule.Put),
        HttpRule.PatternOneofCase.Delete => ("delete", rule.Delete),
        HttpRule.PatternOneofCase.Patch => ("patch", rule.Patch),
        _ => null,
    };

    private static JsonArray Parameters(MessageDescriptor input, List<string> pathFields, string body)
    {
        var parameters = new JsonArray();
        foreach (var field in pathFields)
        {
            parameters.Add(new JsonObject { ["name"] = field, ["in"] = "path", ["required"] = true, ["schema"] = new JsonObject { ["type"] = "string" } });
        }

        if (body.Length == 0)
        {
            foreach (var field in input.Fields.InDeclarationOrder().Where(f => !pathFields.Contains(f.Name) && f.FieldType != FieldType.Message))
            {
                parameters.Add(new JsonObject { ["name"] = field.JsonName, ["in"] = "query", ["schema"] = SchemaWriter.Scalar(field) });
            }
        }

        return parameters;
    }

    private static void Describe(JsonObject operation, Type service, MethodDescriptor method)
    {
        var implementation = service.GetMethod(method.Name, BindingFlags.Public | BindingFlags.Instance);
        var anonymous = implementation?.GetCustomAttribute<AllowAnonymousAttribute>() is not null
                        || (service.GetCustomAttribute<AllowAnonymousAttribute>() is not null && implementation?.GetCustomAttribute<AuthorizeAttribute>() is null);
        if (anonymous)
        {
            operation["security"] = new JsonArray();
            return;
        }

        operation["security"] = new JsonArray(new JsonObject { ["bearer"] = new JsonArray() });
        var policy = (implementation?.GetCustomAttribute<AuthorizeAttribute>() ?? service.GetCustomAttribute<AuthorizeAttribute>())?.Policy;
        if (policy is not null && policy.StartsWith(Auth.EfaPolicies.RolePrefix, StringComparison.Ordinal))
        {
            operation["description"] = $"Needs one of the roles: {policy[Auth.EfaPolicies.RolePrefix.Length..].Replace(",", ", ", StringComparison.Ordinal)}.";
        }

        if (!method.Name.StartsWith("Get", StringComparison.Ordinal) && !method.Name.StartsWith("List", StringComparison.Ordinal))
        {
            ((JsonArray)operation["parameters"]!).Add(new JsonObject
            {
                ["name"] = "Idempotency-Key", ["in"] = "header",
                ["description"] = "A repeat with the same key within 24 h returns the first answer and changes nothing.",
                ["schema"] = new JsonObject { ["type"] = "string", ["maxLength"] = 255 },
            });
        }
    }

    private static JsonObject Json(JsonNode schema) => new() { ["application/json"] = new JsonObject { ["schema"] = schema } };

    private static JsonObject Problem() => new()
    {
        ["application/problem+json"] = new JsonObject
        {
            ["schema"] = new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject
                {
                    ["type"] = new JsonObject { ["type"] = "string" }, ["title"] = new JsonObject { ["type"] = "string" },
                    ["status"] = new JsonObject { ["type"] = "integer" }, ["detail"] = new JsonObject { ["type"] = "string" },
                    ["grpcStatus"] = new JsonObject { ["type"] = "string" },
                    ["errors"] = new JsonObject { ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" } } },
                    ["codes"] = new JsonObject { ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" } } },
                },
            },
        },
    };

    private static string Words(string name) => WordStart().Replace(name, " $1").Trim();

    [GeneratedRegex(@"\{([a-z_0-9.]+)(=[^}]*)?\}")]
    private static partial Regex PathField();

    [GeneratedRegex("(?<!^)([A-Z])")]
    private static partial Regex WordStart();
}
