using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EfaPlatform.ServiceDefaults;

/// <summary>
/// What <see cref="StorageErrorInterceptor"/> does for gRPC, for the plain HTTP endpoints (sign-in pages, OpenID Connect):
/// a request that fails because a dependency is down gets 503 with Retry-After and a problem document, not a 500.
/// </summary>
public sealed partial class OutageMiddleware(RequestDelegate next, ILogger<OutageMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception e) when (InfrastructureFailures.IsTransient(e) && !context.Response.HasStarted)
        {
            InfrastructureFailures.ForgetBrokenConnections(e);
            LogUnavailable(logger, context.Request.Path, e.GetType().Name, e.Message);
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = StorageErrorInterceptor.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            context.Response.ContentType = "application/problem+json";
            await context.Response.WriteAsync(new JsonObject
            {
                ["type"] = "https://efa-platform.de/problems/unavailable",
                ["title"] = "Service unavailable",
                ["status"] = StatusCodes.Status503ServiceUnavailable,
                ["detail"] = StorageErrorInterceptor.UnavailableMessage,
                ["instance"] = context.Request.Path.Value,
            }.ToJsonString());
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Path} answered 503: a dependency is down ({ExceptionType}: {ExceptionMessage})")]
    private static partial void LogUnavailable(ILogger logger, string path, string exceptionType, string exceptionMessage);
}
