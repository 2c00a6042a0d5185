using EfaPlatform.AppHost.Hosting;
using Npgsql;

namespace EfaPlatform.AppHost.Resources;

/// <summary>
/// PostgreSQL from the machine's own server binaries (Debian package postgresql), in a data folder the AppHost owns,
/// with one database per service. With a connection string given, that server is used instead.
/// </summary>
public sealed class PostgresResource(string name, string dataRoot, int port, string? externalConnectionString) : Resource(name)
{
    private readonly string? _external = externalConnectionString;
    private const string ServerUser = "postgres";
    private readonly List<string> _databases = [];
    private ChildProcess? _process;
    private string? _adminConnectionString = externalConnectionString;
    private int _port = port;

    public override string Type => _external is null ? "postgres" : "postgres (external)";

    public override IReadOnlyList<ResourceEndpoint> Endpoints =>
        _adminConnectionString is null ? [] : [new ResourceEndpoint("tcp", $"postgresql://{Host}:{Port}")];

    public bool IsExternal => _external is not null;

    protected override int StopSignal => ChildProcess.SigInt;

    private string DataDirectory => Path.Combine(dataRoot, Name);

    private string Host => new NpgsqlConnectionStringBuilder(_adminConnectionString).Host ?? "127.0.0.1";

    private int Port => new NpgsqlConnectionStringBuilder(_adminConnectionString).Port;

    public PostgresDatabase AddDatabase(string database)
    {
        _databases.Add(database);
        return new PostgresDatabase(this, database);
    }

    /// <summary>Connection string of one database, once the server is running.</summary>
    public string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(_adminConnectionString ?? throw new InvalidOperationException($"{Name} has not started."))
        {
            Database = database,
        }.ConnectionString;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        SetState(ResourceState.Starting);
        StartedAt = DateTimeOffset.UtcNow;
        if (!IsExternal)
        {
            await StartLocalServerAsync(cancellationToken);
        }

        await WaitUntilAsync(IsReachableAsync, _process, TimeSpan.FromSeconds(60), $"PostgreSQL '{Name}'", cancellationToken);
        await CreateDatabasesAsync(cancellationToken);
        SetState(ResourceState.Running, "healthy");
        if (_process is not null)
        {
            // A crashed server comes back on the same port and data folder, and recovers from its write-ahead log.
            Supervise(_process, async restartCancellation =>
            {
                await StartLocalServerAsync(restartCancellation);
                return _process!;
            }, IsReachableAsync);
        }
    }

    public override Task StopAsync() => StopSupervisedAsync(_process);

    private async Task StartLocalServerAsync(CancellationToken cancellationToken)
    {
        var binaries = FindBinaries();
        Directory.CreateDirectory(dataRoot);
        var password = Commands.ReadOrCreateSecret(Path.Combine(dataRoot, $"{Name}.password"));
        if (!File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
        {
            await InitializeAsync(binaries, password, cancellationToken);
        }

        await StopLeftoverServerAsync();
        _port = Ports.Claim(_port, $"PostgreSQL '{Name}'", $"Postgres:Port");
        _adminConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = _port, Username = ServerUser, Password = password, Database = "postgres",
        }.ConnectionString;

        var (fileName, arguments) = Commands.AsUser(ServerUser, Path.Combine(binaries, "postgres"),
        [
            "-D", DataDirectory, "-p", _port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-c", "listen_addresses=127.0.0.1", "-c", $"unix_socket_directories={DataDirectory}",
            "-c", "max_connections=300",
        ]);
        _process = ChildProcess.Start(fileName, arguments, Logs);
        ProcessId = _process.Id;
    }

    private async Task InitializeAsync(string binaries, string password, CancellationToken cancellationToken)
    {
        Log($"initdb {DataDirectory}");
        Directory.CreateDirectory(DataDirectory);
        var passwordFile = Path.Combine(DataDirectory, "..", $".{Name}.initdb-password");
        // One left by an initdb that was killed is replaced; the new one is the AppHost user's alone from the start.
        File.Delete(passwordFile);
        Commands.WriteSecretFile(passwordFile, password);
        try
        {
            if (Commands.IsRoot)
            {
                await Commands.RunAsync("chown", ["-R", $"{ServerUser}:{ServerUser}", DataDirectory, passwordFile], Logs, cancellationToken);
                // The server user has to reach its data folder through the folders above it.
                File.SetUnixFileMode(dataRoot, File.GetUnixFileMode(dataRoot) | UnixFileMode.OtherExecute | UnixFileMode.GroupExecute);
            }

            var (fileName, arguments) = Commands.AsUser(ServerUser, Path.Combine(binaries, "initdb"),
                ["-D", DataDirectory, "-U", ServerUser, $"--pwfile={passwordFile}", "--auth-host=scram-sha-256", "--auth-local=scram-sha-256", "-E", "UTF8", "--no-locale"]);
            await Commands.RunAsync(fileName, arguments, Logs, cancellationToken);
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    /// <summary>A server left running by an AppHost that was killed holds the data folder; stop it first.</summary>
    private async Task StopLeftoverServerAsync()
    {
        var lockFile = Path.Combine(DataDirectory, "postmaster.pid");
        if (!File.Exists(lockFile))
        {
            return;
        }

        var firstLine = (await File.ReadAllLinesAsync(lockFile)).FirstOrDefault();
        if (int.TryParse(firstLine, out var pid) && ChildProcess.IsAlive(pid) && IsPostgres(pid))
        {
            Log($"stopping PostgreSQL left running from an earlier start (pid {pid})");
            _ = KillProcess(pid, ChildProcess.SigInt);
            for (var i = 0; i < 100 && ChildProcess.IsAlive(pid); i++)
            {
                await Task.Delay(100);
            }
        }
    }

    private static bool IsPostgres(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Contains("postgres", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static int KillProcess(int pid, int signal) => ChildProcess.SignalProcess(pid, signal);

    private static string FindBinaries()
    {
        var versions = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(dir => int.TryParse(Path.GetFileName(dir), out var v) ? v : 0)
            : Enumerable.Empty<string>();
        var bin = versions.Select(dir => Path.Combine(dir, "bin")).FirstOrDefault(dir => File.Exists(Path.Combine(dir, "initdb")));
        if (bin is null)
        {
            var initdb = Commands.Find("initdb");
            bin = initdb is null ? null : Path.GetDirectoryName(initdb);
        }

        return bin ?? throw new ResourceStartException(
            "PostgreSQL server binaries (initdb, postgres) were not found. Install them with `sudo apt-get install -y postgresql`, " +
            "or give an existing server with ConnectionStrings__postgres.");
    }

    private async Task<bool> IsReachableAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync(cancellationToken);
        return true;
    }

    private async Task CreateDatabasesAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync(cancellationToken);
        foreach (var database in _databases)
        {
            await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = $1", connection);
            exists.Parameters.AddWithValue(database);
            if (await exists.ExecuteScalarAsync(cancellationToken) is null)
            {
                await using var create = new NpgsqlCommand($"create database \"{database}\"", connection);
                await create.ExecuteNonQueryAsync(cancellationToken);
                Log($"created database {database}");
            }
        }
    }
}

/// <summary>One service's database on a <see cref="PostgresResource"/>.</summary>
public sealed record PostgresDatabase(PostgresResource Server, string Name);
