using System.Security.Cryptography;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace EfaPlatform.ServiceDefaults;

/// <summary>
/// The platform's idempotency convention for every RPC that creates or changes something: a caller may send
/// "idempotency-key" (gRPC metadata; over REST the Idempotency-Key header); a repeat within 24 h with the same request
/// returns the first answer and changes nothing. The same key with a different request is refused; a repeat while the
/// first is still running is ABORTED. Answers are kept in Redis under "{service}:idempotency:{caller}:{method}:{key}";
/// an answer that carries a secret (<see cref="IdempotencyOptions.SecretResponse{TResponse}"/>) only encrypted with
/// the service's Data Protection key ring and bound to that Redis key, never in clear.
/// Read-only methods (Get…, List…) are left alone.
/// </summary>
public sealed partial class IdempotencyInterceptor(
    IConnectionMultiplexer redis, RedisKeys keys, IDataProtectionProvider dataProtection, IOptions<IdempotencyOptions> options,
    ILogger<IdempotencyInterceptor> logger) : Interceptor
{
    public const string MetadataKey = "idempotency-key";
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);
    private static readonly TimeSpan InProgressLease = TimeSpan.FromMinutes(1);
    private readonly IDataProtector _secretAnswers = dataProtection.CreateProtector("efa.idempotency.secret-answers.v1");

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var key = context.RequestHeaders.GetValue(MetadataKey);
        var methodName = context.Method[(context.Method.LastIndexOf('/') + 1)..];
        if (key is null || methodName.StartsWith("Get", StringComparison.Ordinal) || methodName.StartsWith("List", StringComparison.Ordinal))
        {
            return await continuation(request, context);
        }

        if (!IdempotencyKeys.IsWellFormed(key))
        {
            throw Invalid(IdempotencyKeys.Rule);
        }

        // Anonymous callers (self-registration) get a key space per address, not one shared by everybody.
        var http = context.GetHttpContext();
        var caller = http.User.FindFirst(Auth.EfaClaims.Subject)?.Value ?? $"anonymous@{http.Connection.RemoteIpAddress}";
        string redisKey = keys.For("idempotency", $"{caller}:{context.Method}:{key}")!;
        var fingerprint = IdempotencyKeys.Fingerprint((IMessage)request);
        var database = redis.GetDatabase();

        if (!await database.StringSetAsync(redisKey, JsonSerializer.Serialize(new Entry(fingerprint, null)), InProgressLease, When.NotExists))
        {
            var stored = await database.StringGetAsync(redisKey);
            var entry = stored.HasValue ? JsonSerializer.Deserialize<Entry>(stored.ToString()) : null;
            if (entry is null)
            {
                throw new RpcException(new Status(StatusCode.Aborted, "The first request with this idempotency key has just ended; retry."));
            }

            if (entry.Fingerprint != fingerprint)
            {
                throw Invalid("was already used with a different request");
            }

            if (entry.Response is null)
            {
                throw new RpcException(new Status(StatusCode.Aborted, "A request with this idempotency key is still being processed."));
            }

            var first = (IMessage)Activator.CreateInstance<TResponse>();
            first.MergeFrom(entry.Protected ? Unprotect(redisKey, entry.Response) : Convert.FromBase64String(entry.Response));
            return (TResponse)first;
        }

        TResponse response;
        try
        {
            response = await continuation(request, context);
        }
        catch
        {
            // A refused request changed nothing: the key is free for the corrected request.
            await database.KeyDeleteAsync(redisKey);
            throw;
        }

        try
        {
            var answer = ((IMessage)response).ToByteArray();
            var secret = options.Value.IsSecret(typeof(TResponse));
            if (secret)
            {
                answer = _secretAnswers.CreateProtector(redisKey).Protect(answer);
            }

            await database.StringSetAsync(redisKey, JsonSerializer.Serialize(new Entry(fingerprint, Convert.ToBase64String(answer), secret)), Retention);
        }
        catch (Exception e) when (InfrastructureFailures.IsTransient(e))
        {
            // The change is done: its answer goes out. The in-progress mark expires with its lease; a repeat after that
            // runs again, which each service's own unique keys (or the durable key, as in forms) must absorb.
            LogAnswerNotKept(logger, context.Method, e.Message);
        }

        return response;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} succeeded, but its answer could not be kept for repeats: {Reason}")]
    private static partial void LogAnswerNotKept(ILogger logger, string method, string reason);

    /// <summary>The stored secret answer; one this instance cannot decrypt (another key ring) is refused rather than guessed.</summary>
    private byte[] Unprotect(string redisKey, string answer)
    {
        try
        {
            return _secretAnswers.CreateProtector(redisKey).Unprotect(Convert.FromBase64String(answer));
        }
        catch (CryptographicException)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition,
                "The first request with this idempotency key succeeded, but its answer cannot be read here; use a new idempotency key."));
        }
    }

    private static RpcException Invalid(string description) =>
        new Google.Rpc.Status
        {
            Code = (int)StatusCode.InvalidArgument,
            Message = $"Invalid request: {MetadataKey} {description}.",
            Details =
            {
                Google.Protobuf.WellKnownTypes.Any.Pack(new Google.Rpc.BadRequest
                {
                    FieldViolations = { new Google.Rpc.BadRequest.Types.FieldViolation { Field = "idempotency_key", Description = description } },
                }),
            },
        }.ToRpcException();

    // Protected: Response is encrypted, because the answer carries a secret.
    private sealed record Entry(string Fingerprint, string? Response, bool Protected = false);
}

/// <summary>What the idempotency convention of a service needs to know about its answers.</summary>
public sealed class IdempotencyOptions
{
    private readonly HashSet<Type> _secretResponses = [];

    /// <summary>
    /// Declares that <typeparamref name="TResponse"/> carries a secret (a client secret, a TOTP seed): a repeat still
    /// gets the first answer, but Redis keeps it only encrypted with the service's Data Protection key ring, which has
    /// to be shared by every instance (and protected itself).
    /// </summary>
    public IdempotencyOptions SecretResponse<TResponse>() where TResponse : IMessage
    {
        _secretResponses.Add(typeof(TResponse));
        return this;
    }

    internal bool IsSecret(Type responseType) => _secretResponses.Contains(responseType);
}

/// <summary>What an idempotency key looks like, the same for every service and the gateway.</summary>
public static class IdempotencyKeys
{
    public const int MaxLength = 128;
    public const string Header = "Idempotency-Key";
    public const string Rule = "must be 1 to 128 printable ASCII characters without blanks (a UUID, say)";

    public static bool IsWellFormed(string key) => key.Length is > 0 and <= MaxLength && key.All(c => c is >= '!' and <= '~');

    /// <summary>
    /// SHA-256 of the request's canonical JSON (object keys sorted): the same request sent with its JSON keys in another
    /// order is the same request.
    /// </summary>
    public static string Fingerprint(IMessage request)
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(JsonFormatter.Default.Format(request));
        return Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Canonical(json)?.ToJsonString() ?? "null")));
    }

    private static System.Text.Json.Nodes.JsonNode? Canonical(System.Text.Json.Nodes.JsonNode? node) => node switch
    {
        System.Text.Json.Nodes.JsonObject obj => new System.Text.Json.Nodes.JsonObject(
            obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Canonical(p.Value)))),
        System.Text.Json.Nodes.JsonArray array => new System.Text.Json.Nodes.JsonArray([.. array.Select(Canonical)]),
        _ => node?.DeepClone(),
    };
}

public static class Idempotency
{
    /// <summary>Idempotency keys on every changing RPC of this service (needs AddEfaRedis).</summary>
    public static IHostApplicationBuilder AddEfaIdempotency(this IHostApplicationBuilder builder, Action<IdempotencyOptions>? configure = null)
    {
        var options = builder.Services.AddOptions<IdempotencyOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        // Secret answers are encrypted with it; a service that declares some configures a shared, protected key ring.
        builder.Services.AddDataProtection();
        builder.Services.AddSingleton<IdempotencyInterceptor>();
        builder.Services.AddGrpc(grpc => grpc.Interceptors.Add<IdempotencyInterceptor>());
        return builder;
    }
}
