using System.Text.RegularExpressions;

namespace EfaPlatform.Gateway.Correlation;

/// <summary>
/// Every request carries X-Correlation-Id to the backend and back to the caller: the caller's own when it is well
/// formed, a new one otherwise.
/// </summary>
public sealed partial class CorrelationIdMiddleware(RequestDelegate next)
{
    public const string HeaderName = "X-Correlation-Id";

    public Task InvokeAsync(HttpContext context)
    {
        var given = context.Request.Headers[HeaderName].ToString();
        var id = WellFormed().IsMatch(given) ? given : Guid.CreateVersion7().ToString("N");
        context.Request.Headers[HeaderName] = id;
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[HeaderName] = id;
            return Task.CompletedTask;
        });
        return next(context);
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,128}$")]
    private static partial Regex WellFormed();
}
