using System.Reflection;
using Npgsql;

namespace EfaPlatform.ServiceDefaults;

/// <summary>A versioned schema change: applied once, in order of <see cref="Id"/>, never edited after release.</summary>
public sealed record SqlMigration(string Id, string Sql)
{
    /// <summary>Every embedded resource ending in .sql whose name contains <paramref name="folder"/>, ordered by name.</summary>
    public static IReadOnlyList<SqlMigration> FromEmbeddedResources(Assembly assembly, string folder)
    {
        var prefix = $"{assembly.GetName().Name}.{folder}.";
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name =>
            {
                using var stream = assembly.GetManifestResourceStream(name)!;
                using var reader = new StreamReader(stream);
                return new SqlMigration(name[prefix.Length..^".sql".Length], reader.ReadToEnd());
            })
            .ToList();
    }
}

/// <summary>
/// Applies versioned SQL migrations. Called by a service's explicit migration step (the AppHost runs it before
/// the service starts; a deployment runs it as a job), never implicitly at service start.
/// </summary>
public static class SqlMigrator
{
    // Any constant works; it only has to be the same for every process migrating the same database.
    private const long AdvisoryLockKey = 0x45_66_61_4D_69_67;

    /// <returns>The ids of the migrations this call applied.</returns>
    public static async Task<IReadOnlyList<string>> ApplyAsync(
        NpgsqlDataSource dataSource, IEnumerable<SqlMigration> migrations, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await Execute(connection, transaction, $"select pg_advisory_xact_lock({AdvisoryLockKey})", cancellationToken);
        await Execute(connection, transaction,
            "create table if not exists schema_migrations (id text primary key, applied_at timestamptz not null default now())",
            cancellationToken);

        var applied = new HashSet<string>(StringComparer.Ordinal);
        await using (var select = new NpgsqlCommand("select id from schema_migrations", connection, transaction))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetString(0));
            }
        }

        var appliedNow = new List<string>();
        foreach (var migration in migrations.OrderBy(m => m.Id, StringComparer.Ordinal).Where(m => !applied.Contains(m.Id)))
        {
            await Execute(connection, transaction, migration.Sql, cancellationToken);
            await using var record = new NpgsqlCommand("insert into schema_migrations (id) values ($1)", connection, transaction);
            record.Parameters.AddWithValue(migration.Id);
            await record.ExecuteNonQueryAsync(cancellationToken);
            appliedNow.Add(migration.Id);
        }

        await transaction.CommitAsync(cancellationToken);
        return appliedNow;
    }

    private static async Task Execute(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
