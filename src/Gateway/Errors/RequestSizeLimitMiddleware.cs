using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace EfaPlatform.Gateway.Errors;

/// <summary>
/// Refuses a declared body over the limit before anything is forwarded. Streamed bodies are cut off at the limit while
/// they are copied to the backend: by Kestrel for REST, by <see cref="LimitedRequestStream"/> for gRPC.
/// </summary>
public sealed class RequestSizeLimitMiddleware(RequestDelegate next, IOptions<GatewayOptions> options)
{
    public Task InvokeAsync(HttpContext context)
    {
        var limit = options.Value.BodyLimitFor(context.Request.Path);
        if (context.Request.ContentLength > limit)
        {
            return WriteTooLargeAsync(context);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        if (GatewayProblems.IsGrpc(context.Request))
        {
            context.Request.Body = new LimitedRequestStream(context.Request.Body, limit);
        }

        return next(context);
    }

    public static Task WriteTooLargeAsync(HttpContext context)
    {
        var limit = context.RequestServices.GetRequiredService<IOptions<GatewayOptions>>().Value.BodyLimitFor(context.Request.Path);
        return GatewayProblems.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, GrpcStatus.ResourceExhausted,
            "Request body too large", $"The request body may have at most {limit.ToString(CultureInfo.InvariantCulture)} bytes.");
    }

    /// <summary>Whether a failed forward failed because the body was over the limit (Kestrel's 413, possibly wrapped).</summary>
    public static bool IsBodyTooLarge(Exception? exception) => exception switch
    {
        null => false,
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsBodyTooLarge),
        _ => IsBodyTooLarge(exception.InnerException),
    };
}
