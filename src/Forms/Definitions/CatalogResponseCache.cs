using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace EfaPlatform.Forms.Definitions;

/// <summary>
/// The public catalog (GET /api/forms/v1/services, /services/{id}) is read far more often than it changes, and a
/// published version never changes: its serialized answers are kept per path and query, served with an ETag (a repeat
/// with If-None-Match gets 304) and Cache-Control. Publishing a version on this instance drops them at once; other
/// instances notice within <see cref="Freshness"/>.
/// </summary>
public sealed class CatalogResponseCache(RequestDelegate next, TimeProvider clock)
{
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(30);
    private const string CatalogPath = "/api/forms/v1/services";
    private const int MaxEntries = 1000;
    private static readonly ConcurrentDictionary<string, Entry> Entries = new(StringComparer.Ordinal);

    /// <summary>Called after a new version is published here.</summary>
    public static void Invalidate() => Entries.Clear();

    public async Task InvokeAsync(HttpContext context)
    {
        if (!IsCatalogRead(context.Request))
        {
            await next(context);
            return;
        }

        var key = context.Request.Path.Value + context.Request.QueryString.Value;
        if (!Entries.TryGetValue(key, out var entry) || entry.Expires < clock.GetUtcNow())
        {
            entry = await RenderAsync(context);
            if (entry is null)
            {
                return;
            }

            if (Entries.Count < MaxEntries)
            {
                Entries[key] = entry;
            }
        }

        var response = context.Response;
        response.Headers.ETag = entry.ETag;
        response.Headers.CacheControl = $"public, max-age={(int)Freshness.TotalSeconds}";
        response.Headers.Vary = "Accept-Encoding";
        if (context.Request.Headers.IfNoneMatch.Any(tag => tag == entry.ETag || tag == "*"))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = entry.ContentType;
        response.ContentLength = entry.Body.Length;
        await response.Body.WriteAsync(entry.Body, context.RequestAborted);
    }

    private static bool IsCatalogRead(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) && request.Path.StartsWithSegments(CatalogPath, out var rest)
        && (rest.Value is null or "" || rest.Value.IndexOf('/', 1) < 0);

    /// <summary>Lets the RPC answer into a buffer; only a successful answer is kept (an error goes out as it is).</summary>
    private async Task<Entry?> RenderAsync(HttpContext context)
    {
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }

        var body = buffer.ToArray();
        if (context.Response.StatusCode != StatusCodes.Status200OK)
        {
            await original.WriteAsync(body, context.RequestAborted);
            return null;
        }

        var etag = new EntityTagHeaderValue($"\"{Convert.ToHexString(SHA256.HashData(body))[..32]}\"").ToString();
        return new Entry(body, context.Response.ContentType ?? "application/json", etag, clock.GetUtcNow() + Freshness);
    }

    private sealed record Entry(byte[] Body, string ContentType, string ETag, DateTimeOffset Expires);
}
