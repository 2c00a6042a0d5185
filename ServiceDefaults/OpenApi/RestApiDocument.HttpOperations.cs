using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EfaPlatform.ServiceDefaults.OpenApi;

public static partial class RestApiDocument
{
    /// <summary>Adds the endpoints described by <see cref="HttpOperation"/> metadata to the document's paths.</summary>
    public static JsonObject WithHttpOperations(this JsonObject document, IEnumerable<Endpoint> endpoints)
    {
        var paths = (JsonObject)document["paths"]!;
        foreach (var endpoint in endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.GetMetadata<HttpOperation>() is not { } described || endpoint.Metadata.GetMetadata<HttpMethodMetadata>() is not { } methods)
            {
                continue;
            }

            var path = "/" + endpoint.RoutePattern.RawText!.Trim('/');
            if (paths[path] is not JsonObject item)
            {
                paths[path] = item = new JsonObject();
            }

            foreach (var method in methods.HttpMethods)
            {
                item[method.ToLowerInvariant()] = Operation(described, endpoint);
            }
        }

        return document;
    }

    private static JsonObject Operation(HttpOperation described, RouteEndpoint endpoint)
    {
        var parameters = new JsonArray();
        foreach (var parameter in endpoint.RoutePattern.Parameters)
        {
            parameters.Add(new JsonObject { ["name"] = parameter.Name, ["in"] = "path", ["required"] = true, ["schema"] = new JsonObject { ["type"] = "string" } });
        }

        foreach (var parameter in described.Parameters)
        {
            parameters.Add(new JsonObject
            {
                ["name"] = parameter.Name, ["in"] = parameter.In, ["required"] = parameter.Required,
                ["description"] = parameter.Description, ["schema"] = new JsonObject { ["type"] = "string" },
            });
        }

        var responses = new JsonObject();
        foreach (var answer in described.Answers)
        {
            responses[answer.Status.ToString(CultureInfo.InvariantCulture)] = answer.MediaType is null
                ? new JsonObject { ["description"] = answer.Description }
                : new JsonObject { ["description"] = answer.Description, ["content"] = new JsonObject { [answer.MediaType] = new JsonObject() } };
        }

        responses["default"] = new JsonObject { ["description"] = "An error as RFC 9457 problem details; field problems under \"errors\" by field", ["content"] = Problem() };
        var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
        var policy = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(data => data.Policy).LastOrDefault(p => p is not null);
        var roles = policy is not null && policy.StartsWith(Auth.EfaPolicies.RolePrefix, StringComparison.Ordinal)
            ? $" Needs one of the roles: {policy[Auth.EfaPolicies.RolePrefix.Length..].Replace(",", ", ", StringComparison.Ordinal)}."
            : "";
        var operation = new JsonObject
        {
            ["summary"] = described.Summary,
            ["description"] = described.Description + (anonymous ? "" : roles),
            ["tags"] = new JsonArray("Files"),
            ["parameters"] = parameters,
            ["responses"] = responses,
            ["security"] = anonymous ? new JsonArray() : new JsonArray(new JsonObject { ["bearer"] = new JsonArray() }),
        };
        if (described.BodyMediaTypes.Count > 0)
        {
            var content = new JsonObject();
            foreach (var mediaType in described.BodyMediaTypes)
            {
                content[mediaType] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "string", ["format"] = "binary" } };
            }

            operation["requestBody"] = new JsonObject { ["required"] = true, ["content"] = content };
        }

        return operation;
    }
}
