using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.RateLimiting;
using EfaPlatform.Identity.Profile;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace EfaPlatform.Identity;

/// <summary>
/// ASP.NET Core rate limiting for what costs a password hash or invites guessing: posts of the sign-in pages, registrations
/// and the token endpoint, each per client address and per account, in fixed windows (<see cref="IdentityRateLimitOptions"/>).
/// <list type="bullet">
/// <item>Per account: a password post by its e-mail address (a post that also carries a security code is not counted
/// there, so that flooding an account's limit cannot keep its owner out), a client credentials request by its client id,
/// a registration by its e-mail address (<see cref="RegistrationLimiter"/>, in the RPC). Code redemption and refresh
/// requests name only the public web client, shared by everyone, so they are limited per address alone.</item>
/// <item>The client address is the caller's, as the gateway forwards it (X-Forwarded-For from a trusted proxy).</item>
/// </list>
/// The limiter runs before authentication, so a refused token request costs no client secret check. A refusal is 429 with
/// Retry-After and a problem document; a gRPC call gets RESOURCE_EXHAUSTED. Counts live in each instance's memory: with
/// N instances behind a balancer an address gets up to N times the limit.
/// </summary>
public static class IdentityRateLimits
{
    private static readonly FrozenSet<string> RegistrationPaths = new[]
    {
        "/api/identity/v1/citizens",
        "/api/identity/v1/organisations",
        "/efa.identity.v1.AccountsService/RegisterCitizen",
        "/efa.identity.v1.AccountsService/RegisterOrganisation",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    public enum RequestKind
    {
        Other,
        SignIn,
        Registration,
        Token,
    }

    /// <summary>A fixed-window partition: its key and how many requests it allows per window.</summary>
    public readonly record struct Limit(string Key, int Permits);

    public static IHostApplicationBuilder AddIdentityRateLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<IdentityServiceOptions>()
            .Validate(options => options.RateLimits.IsValid(), "Identity:RateLimits: every limit must be at least 1 and Window longer than zero.");
        builder.Services.AddSingleton<RegistrationLimiter>();
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<IdentityServiceOptions>>((limiter, identity) =>
        {
            var limits = identity.Value.RateLimits;
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(context => Partition(ByAddress(context, limits), limits.Window)),
                PartitionedRateLimiter.Create<HttpContext, string>(context => Partition(ByAccount(context, limits), limits.Window)));
            limiter.OnRejected = (rejected, cancellationToken) => RejectAsync(rejected, limits.Window, cancellationToken);
        });
        return builder;
    }

    /// <summary>After the forwarded headers (the client's address) and before authentication (the token endpoint's checks).</summary>
    public static WebApplication UseIdentityRateLimits(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            // The per-account limits read the e-mail address or client id from the form: read it here, asynchronously.
            if (KindOf(context.Request) is RequestKind.SignIn or RequestKind.Token && context.Request.HasFormContentType)
            {
                try
                {
                    await context.Request.ReadFormAsync(context.RequestAborted);
                }
                catch (InvalidDataException)
                {
                    // A malformed form is refused where it is used; here only the address limit applies to it.
                }
            }

            await next(context);
        });
        app.UseRateLimiter();
        return app;
    }

    public static RequestKind KindOf(HttpRequest request)
    {
        if (!HttpMethods.IsPost(request.Method))
        {
            return RequestKind.Other;
        }

        // Routing ignores case and a trailing slash; so must the limits.
        var path = (request.Path.Value ?? "").TrimEnd('/');
        if (path.Equals("/account/login", StringComparison.OrdinalIgnoreCase) || path.Equals("/account/totp", StringComparison.OrdinalIgnoreCase))
        {
            return RequestKind.SignIn;
        }

        if (path.Equals("/connect/token", StringComparison.OrdinalIgnoreCase))
        {
            return RequestKind.Token;
        }

        return RegistrationPaths.Contains(path) ? RequestKind.Registration : RequestKind.Other;
    }

    public static Limit? ByAddress(HttpContext context, IdentityRateLimitOptions limits)
    {
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        return KindOf(context.Request) switch
        {
            RequestKind.SignIn => new Limit($"sign-in:{address}", limits.SignInsPerAddress),
            RequestKind.Registration => new Limit($"registration:{address}", limits.RegistrationsPerAddress),
            RequestKind.Token => new Limit($"token:{address}", limits.TokensPerAddress),
            _ => null,
        };
    }

    public static Limit? ByAccount(HttpContext context, IdentityRateLimitOptions limits)
    {
        var request = context.Request;
        var kind = KindOf(request);
        if (kind is not (RequestKind.SignIn or RequestKind.Token) || !request.HasFormContentType
            || context.Features.Get<IFormFeature>()?.Form is not { } form)
        {
            return null;
        }

        if (kind == RequestKind.SignIn)
        {
            // The same test the page uses to choose the check: only a post that asks for password and code together is
            // spared (a code alone, without WithCode, still means a password check). Long values are cut: the key
            // is only a bucket, and must not hold megabytes per post.
            var email = form["Email"].ToString().Trim().ToLowerInvariant();
            var withCode = bool.TryParse(form["WithCode"].ToString(), out var asked) && asked;
            return email.Length > 0 && !withCode
                ? new Limit($"sign-in:{(email.Length > 254 ? email[..254] : email)}", limits.SignInsPerAccount)
                : null;
        }

        return form["grant_type"].ToString() == "client_credentials" && ClientId(request, form) is { Length: > 0 } client
            ? new Limit($"token:{client}", limits.TokensPerClient)
            : null;
    }

    public static string RetryAfterSeconds(TimeSpan wait) =>
        Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    /// <summary>The client id of a token request: from the form, or from HTTP Basic authentication (form-encoded, RFC 6749 2.3.1).</summary>
    private static string? ClientId(HttpRequest request, IFormCollection form)
    {
        if (form["client_id"].ToString() is { Length: > 0 } fromForm)
        {
            return fromForm;
        }

        var authorization = request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var credentials = Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..].Trim()));
            var colon = credentials.IndexOf(':', StringComparison.Ordinal);
            return colon > 0 ? Uri.UnescapeDataString(credentials[..colon]) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static RateLimitPartition<string> Partition(Limit? limit, TimeSpan window) =>
        limit is { } partition
            ? RateLimitPartition.GetFixedWindowLimiter(partition.Key, _ =>
                new FixedWindowRateLimiterOptions { PermitLimit = partition.Permits, Window = window, QueueLimit = 0 })
            : RateLimitPartition.GetNoLimiter("");

    private static async ValueTask RejectAsync(OnRejectedContext rejected, TimeSpan window, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : window;
        context.Response.Headers.RetryAfter = RetryAfterSeconds(wait);
        if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true)
        {
            // A trailers-only gRPC answer: the status travels in the headers.
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-status"] = "8";
            context.Response.Headers["grpc-message"] = "Too many requests; retry after the time in Retry-After.";
            return;
        }

        context.Response.ContentType = "application/problem+json";
        var problem = new JsonObject
        {
            ["type"] = "https://efa-platform.de/problems/resource-exhausted",
            ["title"] = "Too many requests",
            ["status"] = StatusCodes.Status429TooManyRequests,
            ["detail"] = "Too many requests from this address or for this account; retry after the time in Retry-After.",
            ["instance"] = context.Request.Path.Value,
            ["grpcStatus"] = "RESOURCE_EXHAUSTED",
        };
        await context.Response.WriteAsync(problem.ToJsonString(), cancellationToken);
    }
}
