using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace EfaPlatform.Gateway.Routing;

/// <summary>
/// Builds the gateway's routes from service discovery configuration (services:{name}:{endpoint}:{index}, the Aspire
/// convention): REST /api/{name}/… to the service's "http" endpoint, gRPC /efa.{name}.v*.{Service}/{Method} to its
/// "grpc" endpoint over HTTP/2, and the OpenID Connect paths and sign-in pages to identity.
/// </summary>
public static class ServiceRoutes
{
    public const string IdentityService = "identity";
    /// <summary>OpenID Connect endpoints and the sign-in pages with their assets.</summary>
    private static readonly string[] OidcPaths = ["/connect/{**rest}", "/.well-known/{**rest}", "/account/{**rest}"];

    public static (IReadOnlyList<RouteConfig> Routes, IReadOnlyList<ClusterConfig> Clusters) FromServiceDiscovery(
        IConfiguration configuration, GatewayOptions options)
    {
        var routes = new List<RouteConfig>();
        var clusters = new List<ClusterConfig>();
        foreach (var service in configuration.GetSection("services").GetChildren())
        {
            var name = service.Key.ToLowerInvariant();
            var http = Destinations(service.GetSection("http"));
            if (http.Count > 0)
            {
                clusters.Add(Cluster($"{name}-http", http, options, http2: false));
                routes.Add(Route($"{name}-rest", $"{name}-http", $"/api/{name}/{{**rest}}"));
                if (name == IdentityService)
                {
                    routes.AddRange(OidcPaths.Select((path, i) => Route($"{name}-oidc-{i}", $"{name}-http", path)));
                }
            }

            var grpc = Destinations(service.GetSection("grpc"));
            if (grpc.Count > 0)
            {
                clusters.Add(Cluster($"{name}-grpc", grpc, options, http2: true));
                // Every proto package is efa.{service}.v{n}; the gRPC path is /{package}.{Service}/{Method}.
                routes.Add(Route($"{name}-grpc", $"{name}-grpc", $"/efa.{name}.{{grpcService}}/{{grpcMethod}}") with
                {
                    Match = new RouteMatch
                    {
                        Path = $"/efa.{name}.{{grpcService}}/{{grpcMethod}}",
                        Headers = [new RouteHeader { Name = "content-type", Values = ["application/grpc"], Mode = HeaderMatchMode.HeaderPrefix }],
                    },
                });
            }
        }

        return (routes, clusters);
    }

    private static Dictionary<string, DestinationConfig> Destinations(IConfigurationSection endpoint) =>
        endpoint.GetChildren()
            .Where(child => !string.IsNullOrWhiteSpace(child.Value))
            .ToDictionary(child => $"{endpoint.Key}-{child.Key}", child => new DestinationConfig { Address = child.Value! });

    private static RouteConfig Route(string id, string cluster, string path) =>
        new() { RouteId = id, ClusterId = cluster, Match = new RouteMatch { Path = path } };

    private static ClusterConfig Cluster(string id, Dictionary<string, DestinationConfig> destinations, GatewayOptions options, bool http2) => new()
    {
        ClusterId = id,
        Destinations = destinations,
        LoadBalancingPolicy = "RoundRobin",
        HttpRequest = new ForwarderRequestConfig
        {
            ActivityTimeout = options.BackendTimeout,
            // gRPC without TLS (h2c) has to be HTTP/2 from the first byte; REST backends speak HTTP/1.1.
            Version = http2 ? System.Net.HttpVersion.Version20 : System.Net.HttpVersion.Version11,
            VersionPolicy = http2 ? HttpVersionPolicy.RequestVersionExact : HttpVersionPolicy.RequestVersionOrLower,
        },
    };
}
