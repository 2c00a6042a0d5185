using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace EfaPlatform.ServiceDefaults;

/// <summary>
/// While a dependency is down (PostgreSQL restarting, Redis unreachable), a call fails with UNAVAILABLE (REST: 503) and
/// a Retry-After header, never with an internal error: the caller did nothing wrong and may simply try again.
/// </summary>
public sealed partial class OutageInterceptor(ILogger<OutageInterceptor> logger) : Interceptor
{
    public const int RetryAfterSeconds = 2;

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception e) when (e is not RpcException && InfrastructureFailures.IsTransient(e))
        {
            throw Unavailable(context, e);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception e) when (e is not RpcException && InfrastructureFailures.IsTransient(e))
        {
            throw Unavailable(context, e);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context);
        }
        catch (Exception e) when (e is not RpcException && InfrastructureFailures.IsTransient(e))
        {
            throw Unavailable(context, e);
        }
    }

    private RpcException Unavailable(ServerCallContext context, Exception exception)
    {
        LogUnavailable(logger, context.Method, exception.GetType().Name, exception.Message);
        context.GetHttpContext().Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new RpcException(new Status(StatusCode.Unavailable, $"A service this call needs is briefly unavailable. Try again in {RetryAfterSeconds} seconds."));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} answered UNAVAILABLE: a dependency is down ({ExceptionType}: {ExceptionMessage})")]
    private static partial void LogUnavailable(ILogger logger, string method, string exceptionType, string exceptionMessage);
}
