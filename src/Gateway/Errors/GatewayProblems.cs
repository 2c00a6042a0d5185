using System.Globalization;

namespace EfaPlatform.Gateway.Errors;

/// <summary>
/// The gateway's own error answers: application/problem+json (RFC 9457) over REST; over gRPC a trailers-only
/// response with the matching status, which is what gRPC clients understand.
/// </summary>
public static class GatewayProblems
{
    public static Task UnknownRoute(HttpContext context) =>
        WriteAsync(context, StatusCodes.Status404NotFound, GrpcStatus.Unimplemented, "Unknown route",
            $"No service answers {context.Request.Method} {context.Request.Path}.");

    /// <param name="field">The request field at fault, listed under "errors" like the services list theirs.</param>
    public static Task WriteAsync(HttpContext context, int httpStatus, GrpcStatus grpcStatus, string title, string detail, string? field = null)
    {
        if (context.Response.HasStarted)
        {
            return Task.CompletedTask;
        }

        if (IsGrpc(context.Request))
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-status"] = ((int)grpcStatus).ToString(CultureInfo.InvariantCulture);
            context.Response.Headers["grpc-message"] = Uri.EscapeDataString($"{title}: {detail}");
            return Task.CompletedTask;
        }

        context.Response.StatusCode = httpStatus;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        var problem = new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = httpStatus, Title = title, Detail = detail, Instance = context.Request.Path },
        };
        if (field is not null)
        {
            problem.ProblemDetails.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [detail] };
        }

        return problems.WriteAsync(problem).AsTask();
    }

    public static bool IsGrpc(HttpRequest request) =>
        request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;
}

public enum GrpcStatus
{
    InvalidArgument = 3,
    DeadlineExceeded = 4,
    ResourceExhausted = 8,
    Unimplemented = 12,
    Unavailable = 14,
    Unauthenticated = 16,
}
