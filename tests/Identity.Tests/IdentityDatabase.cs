using EfaPlatform.TestInfrastructure;
using Npgsql;

namespace EfaPlatform.Identity.Tests;

/// <summary>Reads the identity database of the running platform directly, for what no API shows.</summary>
internal static class IdentityDatabase
{
    public static async Task<string> ConnectionStringAsync(PlatformFixture fixture)
    {
        var port = new Uri((await fixture.Platform.EndpointAsync("postgres", "tcp")).Replace("postgresql://", "tcp://", StringComparison.Ordinal)).Port;
        var password = (await File.ReadAllTextAsync(Path.Combine(fixture.Platform.DataDirectory, "postgres.password"))).Trim();
        return $"Host=127.0.0.1;Port={port};Username=postgres;Password={password};Database=identity";
    }

    public static async Task<int> FailedSignInsAsync(PlatformFixture fixture, string email)
    {
        await using var connection = new NpgsqlConnection(await ConnectionStringAsync(fixture));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""SELECT "FailedSignIns" FROM accounts WHERE "Email" = @email""", connection);
        command.Parameters.AddWithValue("email", email);
        return (int)(await command.ExecuteScalarAsync() ?? throw new InvalidOperationException($"No account {email}."));
    }
}
