using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace EfaPlatform.Gateway.Errors;

/// <summary>
/// Refuses an overlong request target (414) or too many header bytes (431) with a problem document. Kestrel's own
/// limits answer the same with an empty body, so they are set higher (see Extensions.KestrelLimits) and these apply.
/// </summary>
public sealed class RequestHeadLimitMiddleware(RequestDelegate next, IOptions<GatewayOptions> options)
{
    public Task InvokeAsync(HttpContext context)
    {
        var limits = options.Value;
        var request = context.Request;
        var targetBytes = context.Features.Get<IHttpRequestFeature>()?.RawTarget.Length ?? 0;
        if (targetBytes > limits.MaxRequestTargetBytes)
        {
            return GatewayProblems.WriteAsync(context, StatusCodes.Status414UriTooLong, GrpcStatus.InvalidArgument, "Request target too long",
                $"The path and query may have at most {limits.MaxRequestTargetBytes.ToString(CultureInfo.InvariantCulture)} bytes.");
        }

        var headerBytes = 0;
        foreach (var (name, values) in request.Headers)
        {
            foreach (var value in values)
            {
                headerBytes += name.Length + (value?.Length ?? 0) + 4;
            }
        }

        return headerBytes > limits.MaxRequestHeadersBytes
            ? GatewayProblems.WriteAsync(context, StatusCodes.Status431RequestHeaderFieldsTooLarge, GrpcStatus.ResourceExhausted, "Request headers too large",
                $"The request headers may have at most {limits.MaxRequestHeadersBytes.ToString(CultureInfo.InvariantCulture)} bytes in all.")
            : next(context);
    }
}
