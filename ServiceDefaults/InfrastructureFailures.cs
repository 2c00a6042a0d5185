using System.Net.Sockets;
using Npgsql;
using StackExchange.Redis;

namespace EfaPlatform.ServiceDefaults;

/// <summary>
/// Tells a dependency that is down for a while (PostgreSQL restarting, Redis unreachable, a timeout) from a failure that
/// a retry cannot mend. The first kind is waited out (events) or answered with 503 / UNAVAILABLE (requests).
/// </summary>
public static class InfrastructureFailures
{
    public static bool IsTransient(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current switch
                {
                    PostgresException postgres => IsTransient(postgres.SqlState),
                    NpgsqlException npgsql => npgsql.IsTransient,
                    RedisConnectionException or RedisTimeoutException => true,
                    SocketException or TimeoutException => true,
                    _ => false,
                })
            {
                return true;
            }

            if (current is AggregateException { InnerExceptions.Count: > 0 } aggregate
                && aggregate.InnerExceptions.All(IsTransient))
            {
                return true;
            }
        }

        return false;
    }

    private static readonly System.Collections.Concurrent.ConcurrentBag<NpgsqlDataSource> DataSources = [];

    /// <summary>Remembers a data source, so that <see cref="ForgetBrokenConnections"/> clears its pool too.</summary>
    public static NpgsqlDataSource Track(NpgsqlDataSource dataSource)
    {
        DataSources.Add(dataSource);
        return dataSource;
    }

    /// <summary>
    /// After PostgreSQL went away, every idle pooled connection is dead, and each would fail one more request when next
    /// used: drop them all at the first sign, so that the next requests open fresh ones.
    /// </summary>
    public static void ForgetBrokenConnections(Exception exception)
    {
        // Only when the connection itself broke (the server went away), not on a command timeout under load, which
        // would turn into a storm of reconnects.
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is PostgresException { SqlState: var state } && (state.StartsWith("08", StringComparison.Ordinal) || state.StartsWith("57P", StringComparison.Ordinal))
                || current is NpgsqlException { InnerException: IOException or SocketException })
            {
                // ClearAllPools does not reach the pools of data sources (npgsql#5407): those are cleared one by one.
                NpgsqlConnection.ClearAllPools();
                foreach (var dataSource in DataSources)
                {
                    dataSource.Clear();
                }

                return;
            }
        }
    }

    /// <summary>Connection exceptions (08…), insufficient resources (53…), and a server shutting down or starting (57P01–57P03).</summary>
    private static bool IsTransient(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal) || sqlState.StartsWith("53", StringComparison.Ordinal)
        || sqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow;
}
