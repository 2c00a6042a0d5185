using EfaPlatform.AppHost.Hosting;
using EfaPlatform.Gateway.Tests.Probe;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EfaPlatform.Gateway.Tests;

/// <summary>A real gRPC service with JSON transcoding on two loopback ports, as every platform service has.</summary>
public sealed class ProbeBackend : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ProbeBackend(WebApplication app, int httpPort, int grpcPort)
    {
        _app = app;
        HttpUrl = $"http://127.0.0.1:{httpPort}";
        GrpcUrl = $"http://127.0.0.1:{grpcPort}";
    }

    public string HttpUrl { get; }

    public string GrpcUrl { get; }

    public int Calls => _app.Services.GetRequiredService<CallCounter>().Count;

    public static async Task<ProbeBackend> StartAsync()
    {
        var (httpPort, grpcPort) = (Ports.FindFree(), Ports.FindFree());
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ListenLocalhost(httpPort, listen => listen.Protocols = HttpProtocols.Http1);
            kestrel.ListenLocalhost(grpcPort, listen => listen.Protocols = HttpProtocols.Http2);
        });
        builder.Services.AddGrpc().AddJsonTranscoding();
        builder.Services.AddSingleton<CallCounter>();
        var app = builder.Build();
        app.MapGrpcService<EchoService>();
        await app.StartAsync();
        return new ProbeBackend(app, httpPort, grpcPort);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public sealed class CallCounter
    {
        private int _count;

        public int Count => _count;

        public void Increment() => Interlocked.Increment(ref _count);
    }

    private sealed class EchoService(CallCounter calls) : ProbeService.ProbeServiceBase
    {
        public override Task<EchoReply> Echo(EchoRequest request, ServerCallContext context)
        {
            calls.Increment();
            var http = context.GetHttpContext();
            return Task.FromResult(new EchoReply
            {
                Text = request.Text,
                CorrelationId = http.Request.Headers["X-Correlation-Id"].ToString(),
                Traceparent = http.Request.Headers["traceparent"].ToString(),
                Protocol = http.Request.Protocol,
            });
        }
    }
}
