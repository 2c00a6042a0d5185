using System.Reflection;
using Google.Protobuf.Reflection;
using Grpc.Reflection;

namespace EfaPlatform.Gateway.Routing;

/// <summary>
/// gRPC server reflection (v1 and v1alpha) at the gateway, so that grpcurl and other clients learn every public service
/// from the one public address: the services of the contracts (protos/) whose service the gateway routes to, plus
/// health and reflection themselves. The services' own reflection ports are not public.
/// </summary>
public static class GatewayReflection
{
    public static IHostApplicationBuilder AddGatewayReflection(this IHostApplicationBuilder builder)
    {
        var routed = builder.Configuration.GetSection("services").GetChildren()
            .Where(service => service.GetSection("grpc").GetChildren().Any())
            .Select(service => $"efa.{service.Key}.")
            .ToList();
        var descriptors = ContractServices()
            .Where(service => routed.Any(prefix => service.FullName.StartsWith(prefix, StringComparison.Ordinal)))
            .Append(Grpc.Health.V1.Health.Descriptor)
            .Append(Grpc.Reflection.V1.ServerReflection.Descriptor)
            .Append(Grpc.Reflection.V1Alpha.ServerReflection.Descriptor)
            .ToList();
        builder.Services.AddSingleton(new ReflectionServiceImpl(descriptors));
        builder.Services.AddSingleton(new ReflectionV1ServiceImpl(descriptors));
        return builder;
    }

    public static WebApplication MapGatewayReflection(this WebApplication app)
    {
        app.MapGrpcService<ReflectionServiceImpl>();
        app.MapGrpcService<ReflectionV1ServiceImpl>();
        return app;
    }

    /// <summary>Every service defined in the contracts assembly (each generated file class has a static Descriptor).</summary>
    private static IEnumerable<Google.Protobuf.Reflection.ServiceDescriptor> ContractServices() =>
        typeof(Contracts.Forms.V1.DefinitionsService).Assembly.GetTypes()
            .Select(type => type.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null))
            .OfType<FileDescriptor>()
            .SelectMany(file => file.Services);
}
