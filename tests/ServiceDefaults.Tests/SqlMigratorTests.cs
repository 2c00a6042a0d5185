using EfaPlatform.TestInfrastructure;
using Npgsql;

namespace EfaPlatform.ServiceDefaults.Tests;

[Collection(InfrastructureCollection.Name)]
public sealed class SqlMigratorTests(InfrastructureFixture infrastructure)
{
    private static readonly SqlMigration[] Migrations =
    [
        new("0002_add_note", "alter table things add column note text"),
        new("0001_things", "create table things (id int primary key)"),
    ];

    [Fact]
    public async Task Migrations_apply_once_in_order_of_their_ids()
    {
        await using var dataSource = NpgsqlDataSource.Create(await infrastructure.CreateDatabaseAsync("migrations"));

        Assert.Equal(["0001_things", "0002_add_note"], await SqlMigrator.ApplyAsync(dataSource, Migrations));
        Assert.Empty(await SqlMigrator.ApplyAsync(dataSource, Migrations));
        await using var insert = dataSource.CreateCommand("insert into things (id, note) values (1, 'ok')");
        Assert.Equal(1, await insert.ExecuteNonQueryAsync());
    }

    [Fact]
    public async Task Concurrent_migration_steps_apply_each_migration_once()
    {
        await using var dataSource = NpgsqlDataSource.Create(await infrastructure.CreateDatabaseAsync("migrations"));

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => SqlMigrator.ApplyAsync(dataSource, Migrations)));

        Assert.Equal(2, results.Sum(applied => applied.Count));
    }

    [Fact]
    public async Task A_failing_migration_changes_nothing()
    {
        await using var dataSource = NpgsqlDataSource.Create(await infrastructure.CreateDatabaseAsync("migrations"));

        await Assert.ThrowsAsync<PostgresException>(() => SqlMigrator.ApplyAsync(dataSource, [.. Migrations, new SqlMigration("0003_broken", "alter table nothing add column x int")]));

        await using var count = dataSource.CreateCommand("select count(*) from pg_tables where tablename in ('things', 'schema_migrations')");
        Assert.Equal(0L, await count.ExecuteScalarAsync());
    }
}
