using Yarp.ReverseProxy.Forwarder;

namespace EfaPlatform.Gateway.Errors;

/// <summary>Turns a failed forward (backend down, timed out, body too large) into a problem response.</summary>
public sealed partial class BackendErrorMiddleware(RequestDelegate next, ILogger<BackendErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);
        var failure = context.GetForwarderErrorFeature();
        if (failure is null)
        {
            if (context.Response.StatusCode == StatusCodes.Status503ServiceUnavailable && !context.Response.HasStarted
                && context.Features.Get<Yarp.ReverseProxy.Model.IReverseProxyFeature>()?.AvailableDestinations.Count == 0)
            {
                await GatewayProblems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, GrpcStatus.Unavailable,
                    "Service unavailable", "The service has no healthy instance right now. Try again shortly.");
            }

            return;
        }

        LogForwardFailed(logger, failure.Error, context.Request.Path);
        if (RequestSizeLimitMiddleware.IsBodyTooLarge(failure.Exception))
        {
            await RequestSizeLimitMiddleware.WriteTooLargeAsync(context);
            return;
        }

        var (status, grpc, title, detail) = failure.Error switch
        {
            ForwarderError.RequestTimedOut => (StatusCodes.Status504GatewayTimeout, GrpcStatus.DeadlineExceeded, "Backend timeout", "The service did not answer in time."),
            ForwarderError.NoAvailableDestinations => (StatusCodes.Status503ServiceUnavailable, GrpcStatus.Unavailable, "Service unavailable", "The service has no healthy instance right now. Try again shortly."),
            _ => (StatusCodes.Status502BadGateway, GrpcStatus.Unavailable, "Backend unreachable", "The service could not be reached or broke off the response."),
        };
        await GatewayProblems.WriteAsync(context, status, grpc, title, detail);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Forwarding {Path} failed: {Error}")]
    private static partial void LogForwardFailed(ILogger logger, ForwarderError error, PathString path);
}
