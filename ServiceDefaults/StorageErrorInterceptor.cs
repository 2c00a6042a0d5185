using System.Text;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace EfaPlatform.ServiceDefaults;

/// <summary>
/// Turns what the storage says into what the caller should hear, never an internal error:
/// while a dependency is down (PostgreSQL restarting, Redis unreachable), UNAVAILABLE (REST: 503) with Retry-After —
/// the caller did nothing wrong and may simply try again; and when two requests race for one unique value (an e-mail
/// address, a slug), ALREADY_EXISTS (409) with the field named, as the slower request would have heard had it come later.
/// </summary>
public sealed partial class StorageErrorInterceptor(ILogger<StorageErrorInterceptor> logger) : Interceptor
{
    public const int RetryAfterSeconds = 2;

    public static string UnavailableMessage => $"A service this call needs is briefly unavailable. Try again in {RetryAfterSeconds} seconds.";

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception e) when (Translate(context, e) is { } translated)
        {
            throw translated;
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception e) when (Translate(context, e) is { } translated)
        {
            throw translated;
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context);
        }
        catch (Exception e) when (Translate(context, e) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>The field a unique constraint guards: IX_tenants_Slug → slug, IX_OpenIddictApplications_ClientId → client_id.</summary>
    public static string FieldOf(PostgresException violation)
    {
        var constraint = violation.ConstraintName ?? "";
        var table = violation.TableName ?? "";
        var column = constraint.StartsWith($"IX_{table}_", StringComparison.Ordinal) ? constraint[(table.Length + 4)..].Split('_')[0]
            : constraint.StartsWith($"{table}_", StringComparison.Ordinal) && constraint.EndsWith("_key", StringComparison.Ordinal) ? constraint[(table.Length + 1)..^4]
            : constraint;
        var snake = new StringBuilder();
        foreach (var c in column)
        {
            if (char.IsUpper(c) && snake.Length > 0)
            {
                snake.Append('_');
            }

            snake.Append(char.ToLowerInvariant(c));
        }

        return snake.ToString();
    }

    private RpcException? Translate(ServerCallContext context, Exception exception)
    {
        if (exception is RpcException)
        {
            return null;
        }

        if (UniqueViolation(exception) is { } violation)
        {
            var field = FieldOf(violation);
            LogConflict(logger, context.Method, violation.ConstraintName ?? "");
            var errors = new FieldErrors().Add(field, "is already taken (another request got it first)", "alreadyExists");
            return errors.ToRpcException(StatusCode.AlreadyExists, $"The {field.Replace('_', ' ')} is already taken.");
        }

        if (!InfrastructureFailures.IsTransient(exception))
        {
            return null;
        }

        InfrastructureFailures.ForgetBrokenConnections(exception);
        LogUnavailable(logger, context.Method, exception.GetType().Name, exception.Message);
        context.GetHttpContext().Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new RpcException(new Status(StatusCode.Unavailable, UnavailableMessage));
    }

    private static PostgresException? UniqueViolation(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } violation)
            {
                return violation;
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} answered UNAVAILABLE: a dependency is down ({ExceptionType}: {ExceptionMessage})")]
    private static partial void LogUnavailable(ILogger logger, string method, string exceptionType, string exceptionMessage);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} answered ALREADY_EXISTS: a concurrent request took the value guarded by {Constraint}")]
    private static partial void LogConflict(ILogger logger, string method, string constraint);
}
