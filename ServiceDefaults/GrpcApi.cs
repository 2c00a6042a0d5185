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
        // These two come first, whatever was registered before them: storage errors of every later step (idempotency's
        // Redis too) become 503/409, and bad text is refused before anything is stored.
        builder.Services.PostConfigure<Grpc.AspNetCore.Server.GrpcServiceOptions>(grpc =>
        {
            var first = grpc.Interceptors.Where(i => i.Type == typeof(StorageErrorInterceptor) || i.Type == typeof(RequestTextInterceptor)).ToList();
            first.ForEach(i => grpc.Interceptors.Remove(i));
            for (var i = 0; i < first.Count; i++)
            {
                grpc.Interceptors.Insert(i, first[i]);
            }
        });
        builder.Services.AddGrpcReflection();
        return builder;
    }
}
