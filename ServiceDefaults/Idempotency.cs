using System.Security.Cryptography;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace EfaPlatform.ServiceDefaults;

/// <summary>
/// The platform's idempotency convention for every RPC that creates or changes something: a caller may send
/// "idempotency-key" (gRPC metadata; over REST the Idempotency-Key header); a repeat within 24 h with the same request
/// returns the first answer and changes nothing. The same key with a different request is refused; a repeat while the
/// first is still running is ABORTED. Answers are kept in Redis under "{service}:idempotency:{caller}:{method}:{key}".
/// Read-only methods (Get…, List…) are left alone.
/// </summary>
public sealed class IdempotencyInterceptor(IConnectionMultiplexer redis, IHostEnvironment environment) : Interceptor
{
    public const string MetadataKey = "idempotency-key";
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);
    private static readonly TimeSpan InProgressLease = TimeSpan.FromMinutes(1);

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var key = context.RequestHeaders.GetValue(MetadataKey);
        var methodName = context.Method[(context.Method.LastIndexOf('/') + 1)..];
        if (key is null || methodName.StartsWith("Get", StringComparison.Ordinal) || methodName.StartsWith("List", StringComparison.Ordinal))
        {
            return await continuation(request, context);
        }

        if (key.Length is 0 or > 255 || key.Any(c => c is < '!' or > '~'))
        {
            throw Invalid("must be 1 to 255 visible ASCII characters");
        }

        var caller = context.GetHttpContext().User.FindFirst("sub")?.Value ?? "anonymous";
        var redisKey = $"{environment.ApplicationName}:idempotency:{caller}:{context.Method}:{key}";
        var fingerprint = Convert.ToHexString(SHA256.HashData(((IMessage)request).ToByteArray()));
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

            var response = (IMessage)Activator.CreateInstance<TResponse>();
            response.MergeFrom(Convert.FromBase64String(entry.Response));
            return (TResponse)response;
        }

        try
        {
            var response = await continuation(request, context);
            await database.StringSetAsync(redisKey, JsonSerializer.Serialize(new Entry(fingerprint, Convert.ToBase64String(((IMessage)response).ToByteArray()))), Retention);
            return response;
        }
        catch
        {
            // A refused request changed nothing: the key is free for the corrected request.
            await database.KeyDeleteAsync(redisKey);
            throw;
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
                    FieldViolations = { new Google.Rpc.BadRequest.Types.FieldViolation { Field = MetadataKey, Description = description } },
                }),
            },
        }.ToRpcException();

    private sealed record Entry(string Fingerprint, string? Response);
}

public static class Idempotency
{
    /// <summary>Idempotency keys on every changing RPC of this service (needs AddEfaRedis).</summary>
    public static IHostApplicationBuilder AddEfaIdempotency(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IdempotencyInterceptor>();
        builder.Services.AddGrpc(grpc => grpc.Interceptors.Add<IdempotencyInterceptor>());
        return builder;
    }
}
