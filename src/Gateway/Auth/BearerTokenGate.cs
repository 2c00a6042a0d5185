using EfaPlatform.Gateway.Errors;
using EfaPlatform.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Authentication;

namespace EfaPlatform.Gateway.Auth;

/// <summary>
/// A request that carries a bearer token is forwarded only when the token is valid (signature, issuer, audience,
/// lifetime); the service checks it again and decides what the caller may do. Requests without one pass on, because
/// some endpoints are public (sign-in, discovery, the token endpoint with client authentication).
/// </summary>
public sealed class BearerTokenGate(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }

        var result = await context.AuthenticateAsync(EfaAuthentication.Scheme);
        if (!result.Succeeded)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            await GatewayProblems.WriteAsync(context, StatusCodes.Status401Unauthorized, GrpcStatus.Unauthenticated,
                "Invalid access token", "The bearer token is not valid: expired, not signed by a trusted issuer, or not meant for this platform.");
            return;
        }

        context.User = result.Principal;
        await next(context);
    }
}
