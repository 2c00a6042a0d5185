using System.Globalization;
using EfaPlatform.AppHost.Hosting;
using StackExchange.Redis;

namespace EfaPlatform.AppHost.Resources;

/// <summary>
/// Redis from the machine's redis-server (Debian package redis-server), password-protected, with an append-only
/// file in the AppHost's data folder so that acknowledged writes survive a restart. A connection string replaces it.
/// </summary>
public sealed class RedisResource(string name, string dataRoot, int port, string? externalConnectionString) : Resource(name)
{
    private readonly string? _external = externalConnectionString;
    private ChildProcess? _process;
    private int _port = port;

    public override string Type => _external is null ? "redis" : "redis (external)";

    public string? ConnectionString { get; private set; } = externalConnectionString;

    public override IReadOnlyList<ResourceEndpoint> Endpoints =>
        ConnectionString is null ? [] : [new ResourceEndpoint("tcp", $"redis://{ConfigurationOptions.Parse(ConnectionString).EndPoints.First()}")];

    private string DataDirectory => Path.Combine(dataRoot, Name);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        SetState(ResourceState.Starting);
        StartedAt = DateTimeOffset.UtcNow;
        if (_external is null)
        {
            StartLocalServer();
        }

        await WaitUntilAsync(PingAsync, _process, TimeSpan.FromSeconds(30), $"Redis '{Name}'", cancellationToken);
        SetState(ResourceState.Running, "healthy");
        if (_process is not null)
        {
            // A crashed server comes back on the same port and reloads its append-only file.
            Supervise(_process, _ =>
            {
                StartLocalServer();
                return Task.FromResult(_process!);
            }, PingAsync);
        }
    }

    public override Task StopAsync() => StopSupervisedAsync(_process);

    private void StartLocalServer()
    {
        var server = Commands.Find("redis-server", "/usr/bin", "/usr/local/bin") ?? throw new ResourceStartException(
            "redis-server was not found. Install it with `sudo apt-get install -y redis-server`, or give an existing server with ConnectionStrings__redis.");
        Directory.CreateDirectory(DataDirectory);
        var password = Commands.ReadOrCreateSecret(Path.Combine(dataRoot, $"{Name}.password"));
        StopLeftoverServer();
        _port = Ports.Claim(_port, $"Redis '{Name}'", "Redis:Port");
        ConnectionString = $"127.0.0.1:{_port},password={password}";

        // The password goes through standard input as a config file fragment, so it never shows in `ps`.
        _process = ChildProcess.Start(server,
        [
            "-", "--port", _port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", DataDirectory,
            "--appendonly", "yes", "--appendfsync", "everysec", "--save", "", "--daemonize", "no",
            "--pidfile", Path.Combine(DataDirectory, "redis.pid"),
        ], Logs);
        _process.StandardInput.WriteLine($"requirepass {password}");
        _process.StandardInput.Close();
        ProcessId = _process.Id;
    }

    private void StopLeftoverServer()
    {
        var pidFile = Path.Combine(DataDirectory, "redis.pid");
        if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid) && ChildProcess.IsAlive(pid)
            && File.ReadAllText($"/proc/{pid}/cmdline").Contains("redis", StringComparison.Ordinal))
        {
            Log($"stopping Redis left running from an earlier start (pid {pid})");
            ChildProcess.SignalProcess(pid, ChildProcess.SigTerm);
            for (var i = 0; i < 50 && ChildProcess.IsAlive(pid); i++)
            {
                Thread.Sleep(100);
            }
        }
    }

    private async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        var options = ConfigurationOptions.Parse(ConnectionString!);
        options.ConnectTimeout = 1000;
        options.AbortOnConnectFail = true;
        await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
        await connection.GetDatabase().PingAsync();
        return true;
    }
}
