using EfaPlatform.ServiceDefaults;

namespace EfaPlatform.Gateway.Errors;

/// <summary>
/// A malformed Idempotency-Key (non-ASCII bytes, blanks, too long) is the caller's mistake: refused here with 400 (gRPC:
/// INVALID_ARGUMENT), instead of failing the forwarding, which allows only ASCII header values, with a 502.
/// </summary>
public sealed class IdempotencyKeyGate(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var key = context.Request.Headers[IdempotencyKeys.Header];
        return key.Count == 0 || IdempotencyKeys.IsWellFormed(key.ToString())
            ? next(context)
            : GatewayProblems.WriteAsync(context, StatusCodes.Status400BadRequest, GrpcStatus.InvalidArgument, "Invalid request",
                $"The {IdempotencyKeys.Header} header {IdempotencyKeys.Rule}.", "idempotencyKey");
    }
}
