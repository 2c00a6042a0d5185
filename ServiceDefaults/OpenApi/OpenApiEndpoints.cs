using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EfaPlatform.ServiceDefaults.OpenApi;

public static class OpenApiEndpoints
{
    /// <summary>
    /// Serves the OpenAPI document of the service's REST API at /api/{service}/openapi.json, the path the gateway
    /// already routes to the service (named as in <see cref="ServiceName"/>): the transcoded gRPC methods and the
    /// endpoints that carry an <see cref="HttpOperation"/>. Call after they are mapped.
    /// </summary>
    public static WebApplication MapEfaOpenApi(this WebApplication app)
    {
        var service = ServiceName.Of(app.Environment);
        string? document = null;
        app.MapGet($"/api/{service}/openapi.json", (EndpointDataSource endpoints) =>
        {
            document ??= RestApiDocument.Build($"EfaPlatform {service} API",
                    endpoints.Endpoints.Select(e => e.Metadata.GetMetadata<GrpcMethodMetadata>()).OfType<GrpcMethodMetadata>())
                .WithHttpOperations(endpoints.Endpoints).ToJsonString();
            return Results.Text(document, "application/json");
        }).AllowAnonymous();
        return app;
    }
}
