using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace EfaPlatform.ServiceDefaults;

/// <summary>
/// Turns the error of a transcoded RPC (google.rpc.Status as JSON) into application/problem+json (RFC 9457) for REST
/// callers, with the offending fields under "errors" by their JSON names, the way ASP.NET Core reports validation, and
/// their machine codes, where the service gave them, under "codes".
/// Only error answers are rewritten; gRPC calls are left alone.
/// </summary>
public sealed class RestProblems(RequestDelegate next)
{
    private const string BadRequestType = "type.googleapis.com/google.rpc.BadRequest";
    private const int MaxErrorBodyBytes = 64 * 1024;

    private static readonly Dictionary<int, (string Name, int Http, string Title)> Codes = new()
    {
        [3] = ("INVALID_ARGUMENT", 400, "Invalid request"),
        [5] = ("NOT_FOUND", 404, "Not found"),
        [6] = ("ALREADY_EXISTS", 409, "Already exists"),
        [7] = ("PERMISSION_DENIED", 403, "Forbidden"),
        [8] = ("RESOURCE_EXHAUSTED", 429, "Too many requests"),
        [9] = ("FAILED_PRECONDITION", 400, "Failed precondition"),
        [10] = ("ABORTED", 409, "Conflict"),
        [14] = ("UNAVAILABLE", 503, "Service unavailable"),
        [16] = ("UNAUTHENTICATED", 401, "Unauthorized"),
    };

    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/api") || context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true)
        {
            await next(context);
            return;
        }

        var original = context.Response.Body;
        await using var buffer = new ErrorCapturingStream(original, context.Response);
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }

        if (buffer.CapturedError is { } error)
        {
            await WriteProblemAsync(context, error);
        }
    }

    private static async Task WriteProblemAsync(HttpContext context, byte[] error)
    {
        JsonNode? status;
        try
        {
            status = JsonNode.Parse(error);
        }
        catch (JsonException)
        {
            // Cut at MaxErrorBodyBytes: the status stays, the details are dropped rather than sent as broken JSON.
            status = new JsonObject { ["code"] = 2, ["message"] = "The error was too large to show in full." };
        }

        var code = status?["code"]?.GetValue<int>() ?? 2;
        var (name, http, title) = Codes.TryGetValue(code, out var known) ? known : ("UNKNOWN", context.Response.StatusCode, "Error");
        var problem = new JsonObject
        {
            ["type"] = $"https://efa-platform.de/problems/{name.ToLowerInvariant().Replace('_', '-')}",
            ["title"] = title,
            ["status"] = http,
            ["detail"] = status?["message"]?.GetValue<string>(),
            ["instance"] = context.Request.Path.Value,
            ["grpcStatus"] = name,
        };
        var errors = new JsonObject();
        var codes = new JsonObject();
        foreach (var detail in status?["details"]?.AsArray() ?? [])
        {
            if (detail?["@type"]?.GetValue<string>() != BadRequestType)
            {
                continue;
            }

            foreach (var violation in detail["fieldViolations"]?.AsArray() ?? [])
            {
                var field = JsonName(violation?["field"]?.GetValue<string>() ?? "");
                Append(errors, field, violation?["description"]?.GetValue<string>() ?? "");
                if (violation?["reason"]?.GetValue<string>() is { Length: > 0 } reason)
                {
                    Append(codes, field, reason);
                }
            }
        }

        if (errors.Count > 0)
        {
            problem["errors"] = errors;
        }

        if (codes.Count > 0)
        {
            problem["codes"] = codes;
        }

        context.Response.StatusCode = http;
        context.Response.ContentType = "application/problem+json";
        context.Response.ContentLength = null;
        await context.Response.WriteAsync(problem.ToJsonString());
    }

    /// <summary>display_name → displayName; nested paths keep their dots (address.postal_code → address.postalCode).</summary>
    private static void Append(JsonObject target, string field, string value)
    {
        if (target[field] is JsonArray list)
        {
            list.Add(value);
        }
        else
        {
            target[field] = new JsonArray(value);
        }
    }

    public static string JsonName(string protoPath) =>
        string.Join('.', protoPath.Split('.').Select(segment =>
        {
            var parts = segment.Split('_');
            return parts[0] + string.Concat(parts.Skip(1).Select(p => p.Length == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..]));
        }));

    /// <summary>Passes successful bodies straight through; holds back an error body so that it can be rewritten.</summary>
    private sealed class ErrorCapturingStream(Stream inner, HttpResponse response) : Stream
    {
        private MemoryStream? _error;

        public byte[]? CapturedError => _error?.ToArray();

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        private bool IsError => response.StatusCode >= 400 && response.ContentType?.StartsWith("application/json", StringComparison.Ordinal) == true;

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (IsError)
            {
                _error ??= new MemoryStream();
                if (_error.Length + buffer.Length <= MaxErrorBodyBytes)
                {
                    await _error.WriteAsync(buffer, cancellationToken);
                }

                return;
            }

            await inner.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

        public override Task FlushAsync(CancellationToken cancellationToken) => IsError ? Task.CompletedTask : inner.FlushAsync(cancellationToken);

        public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
