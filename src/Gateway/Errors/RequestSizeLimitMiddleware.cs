using System.Globalization;
using Microsoft.Extensions.Options;

namespace EfaPlatform.Gateway.Errors;

/// <summary>Refuses a declared body over the limit before anything is forwarded; Kestrel enforces it for streamed bodies.</summary>
public sealed class RequestSizeLimitMiddleware(RequestDelegate next, IOptions<GatewayOptions> options)
{
    public Task InvokeAsync(HttpContext context) =>
        context.Request.ContentLength > options.Value.MaxRequestBodyBytes ? WriteTooLargeAsync(context) : next(context);

    public static Task WriteTooLargeAsync(HttpContext context)
    {
        var limit = context.RequestServices.GetRequiredService<IOptions<GatewayOptions>>().Value.MaxRequestBodyBytes;
        return GatewayProblems.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, GrpcStatus.ResourceExhausted,
            "Request body too large", $"The request body may have at most {limit.ToString(CultureInfo.InvariantCulture)} bytes.");
    }
}
