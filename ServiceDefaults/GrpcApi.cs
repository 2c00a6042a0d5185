using Google.Protobuf.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EfaPlatform.ServiceDefaults;

/// <summary>How every service offers its API: gRPC, the same RPCs as REST (JSON transcoding), and server reflection.</summary>
public static class GrpcApi
{
    public static IHostApplicationBuilder AddEfaGrpcApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddGrpc(grpc =>
            {
                grpc.EnableDetailedErrors = false;
                grpc.Interceptors.Add<StorageErrorInterceptor>();
                grpc.Interceptors.Add<RequestTextInterceptor>();
            })
            .AddJsonTranscoding(transcoding =>
                // Error details the services attach must be writable as JSON for REST callers too.
                transcoding.TypeRegistry = TypeRegistry.FromMessages(
                    Google.Rpc.BadRequest.Descriptor, Google.Rpc.ErrorInfo.Descriptor, Google.Rpc.PreconditionFailure.Descriptor));
        builder.Services.AddGrpcReflection();
        return builder;
    }
}
