using Microsoft.Extensions.DependencyInjection;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace EfaPlatform.ServiceDefaults;

/// <summary>
/// Form posts anywhere with a control character (other than tab and line breaks) are refused with 400. At the
/// edge of every service's REST API (/api/…): a body that is not UTF-8 JSON is refused with 415 and an
/// Idempotency-Key that is not printable ASCII with 400, before anything reads them; and an error answer that carries no
/// body (401 and 403 from authorization, 404 and 405 from routing) gets a problem document, like every other REST error.
/// </summary>
public sealed class RestRequestGuard(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        // Form posts (sign-in pages, the token endpoint) follow the text rule of every API request.
        if (IsUrlEncodedForm(context.Request) && await FormTextProblemAsync(context.Request) is { } formProblem)
        {
            await WriteAsync(context, StatusCodes.Status400BadRequest, formProblem.Detail, formProblem.Field);
            return;
        }

        if (!context.Request.Path.StartsWithSegments("/api") || IsGrpc(context.Request))
        {
            await next(context);
            return;
        }

        var rawBody = context.GetEndpoint()?.Metadata.GetMetadata<RawRequestBody>() is not null
                      || context.RequestServices.GetService<RawRequestBodyPaths>()?.Match(context.Request.Path) == true;
        if (Refusal(context.Request, rawBody) is { } refusal)
        {
            await WriteAsync(context, refusal.Status, refusal.Detail, refusal.Field);
            return;
        }

        await next(context);
        if (context.Response.StatusCode >= 400 && !context.Response.HasStarted && string.IsNullOrEmpty(context.Response.ContentType))
        {
            await WriteAsync(context, context.Response.StatusCode, DetailOf(context), null);
        }
    }

    private static (int Status, string Detail, string? Field)? Refusal(HttpRequest request, bool rawBody)
    {
        if (request.Headers.TryGetValue(IdempotencyKeys.Header, out var keys) && !IdempotencyKeys.IsWellFormed(keys.ToString()))
        {
            return (StatusCodes.Status400BadRequest, $"The {IdempotencyKeys.Header} header {IdempotencyKeys.Rule}.", "idempotencyKey");
        }

        var hasBody = request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;
        if (!hasBody || rawBody || request.ContentType is not { } contentType)
        {
            return null;
        }

        if (!MediaTypeHeaderValue.TryParse(contentType, out var media) || !media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (StatusCodes.Status415UnsupportedMediaType, "The body must be JSON: send Content-Type: application/json.", null);
        }

        return media.Charset.HasValue && !media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
            ? (StatusCodes.Status415UnsupportedMediaType, $"The body must be UTF-8 JSON; charset '{media.Charset}' is not accepted.", null)
            : null;
    }

    private static bool IsUrlEncodedForm(HttpRequest request) =>
        request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>Reads the form and rewinds the body, so that whoever comes next (a page, OpenIddict, the gateway's proxy) reads it too.</summary>
    private static async Task<(string Field, string Detail)?> FormTextProblemAsync(HttpRequest request)
    {
        request.EnableBuffering();
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync();
        }
        catch (InvalidDataException e)
        {
            // ASP.NET Core's own form reader refuses a NUL (%00) outright.
            return ("form", $"must not contain control characters: {e.InnerException?.Message ?? e.Message}");
        }

        request.Body.Position = 0;
        foreach (var (name, values) in form)
        {
            if (RequestTextInterceptor.ControlCharacterIn(name) is not null)
            {
                return ("form", "A form field name holds a control character.");
            }

            foreach (var value in values)
            {
                if (value is not null && RequestTextInterceptor.ControlCharacterIn(value) is { } position)
                {
                    return (name, $"must not contain control characters (at position {position + 1}); only tab and line breaks are allowed");
                }
            }
        }

        return null;
    }

    private static string DetailOf(HttpContext context) => context.Response.StatusCode switch
    {
        StatusCodes.Status401Unauthorized => "Send a valid bearer token (Authorization: Bearer …).",
        StatusCodes.Status403Forbidden => "Your token does not allow this operation.",
        StatusCodes.Status404NotFound => $"No operation answers {context.Request.Method} {context.Request.Path}.",
        StatusCodes.Status405MethodNotAllowed => $"{context.Request.Path} does not take {context.Request.Method}.",
        var status => ReasonPhrases.GetReasonPhrase(status),
    };

    private static Task WriteAsync(HttpContext context, int status, string detail, string? field) => WriteProblemAsync(context, status, detail, field);

    /// <summary>A problem document for a REST error that no RPC produced (a plain HTTP endpoint's own refusal).</summary>
    public static async Task WriteProblemAsync(HttpContext context, int status, string detail, string? field = null)
    {
        var problem = new JsonObject
        {
            ["type"] = $"https://efa-platform.de/problems/http-{status}",
            ["title"] = ReasonPhrases.GetReasonPhrase(status),
            ["status"] = status,
            ["detail"] = detail,
            ["instance"] = context.Request.Path.Value,
        };
        if (field is not null)
        {
            problem["errors"] = new JsonObject { [field] = new JsonArray(detail) };
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/problem+json";
        context.Response.ContentLength = null;
        await context.Response.WriteAsync(problem.ToJsonString());
    }

    private static bool IsGrpc(HttpRequest request) =>
        request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;
}

/// <summary>
/// Endpoint metadata: the endpoint takes a body that is not JSON (a file) and reads it itself, so the REST edge does not
/// refuse it for its media type.
/// </summary>
public sealed class RawRequestBody;

/// <summary>
/// Path prefixes whose bodies are files, for a host that forwards them and has no endpoint of its own to mark with
/// <see cref="RawRequestBody"/> (the gateway: the service behind it checks the body).
/// </summary>
public sealed record RawRequestBodyPaths(IReadOnlyList<string> Prefixes)
{
    public bool Match(PathString path) => Prefixes.Any(prefix => path.StartsWithSegments(prefix.TrimEnd('/'), StringComparison.OrdinalIgnoreCase));
}
