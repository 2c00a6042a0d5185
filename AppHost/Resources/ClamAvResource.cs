using System.Globalization;
using System.Net.Sockets;
using System.Text;
using EfaPlatform.AppHost.Hosting;

namespace EfaPlatform.AppHost.Resources;

/// <summary>
/// The ClamAV daemon from the machine's clamd (Debian package clamav-daemon) on a loopback TCP port, with the
/// repository's own test signatures (AppHost/ClamAv: they recognise the EICAR test file), since no signature
/// database can be downloaded here. A connection string ("host:port") replaces it with a normally updated clamd.
/// </summary>
public sealed class ClamAvResource(string name, string dataRoot, int port, string? externalConnectionString) : Resource(name)
{
    /// <summary>What clamd accepts over INSTREAM and scans in one file; above the platform's largest file.</summary>
    public const string ScanLimit = "1100M";

    private readonly string? _external = externalConnectionString;
    private ChildProcess? _process;
    private int _port = port;

    public override string Type => _external is null ? "clamav" : "clamav (external)";

    /// <summary>"host:port" of clamd, once it runs.</summary>
    public string? ConnectionString { get; private set; } = externalConnectionString;

    public override IReadOnlyList<ResourceEndpoint> Endpoints =>
        ConnectionString is null ? [] : [new ResourceEndpoint("tcp", $"tcp://{ConnectionString}")];

    private string DataDirectory => Path.Combine(dataRoot, Name);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        SetState(ResourceState.Starting);
        StartedAt = DateTimeOffset.UtcNow;
        if (_external is null)
        {
            StartLocalDaemon();
        }

        await WaitUntilAsync(PingAsync, _process, TimeSpan.FromSeconds(60), $"ClamAV '{Name}'", cancellationToken);
        SetState(ResourceState.Running, "healthy");
        if (_process is not null)
        {
            Supervise(_process, _ =>
            {
                StartLocalDaemon();
                return Task.FromResult(_process!);
            }, PingAsync);
        }
    }

    public override Task StopAsync() => StopSupervisedAsync(_process);

    private void StartLocalDaemon()
    {
        var daemon = Commands.Find("clamd", "/usr/sbin", "/usr/bin", "/usr/local/sbin") ?? throw new ResourceStartException(
            "clamd was not found. Install it with `sudo apt-get install -y clamav-daemon`, or give an existing daemon with ConnectionStrings__clamav (host:port).");
        var database = Path.Combine(DataDirectory, "database");
        Directory.CreateDirectory(database);
        foreach (var signatures in Directory.EnumerateFiles(Path.Combine(ProjectLocator.RepositoryRoot, "AppHost", "ClamAv"), "efa-test.*db"))
        {
            File.Copy(signatures, Path.Combine(database, Path.GetFileName(signatures)), overwrite: true);
        }

        _port = Ports.Claim(_port, $"ClamAV '{Name}'", "ClamAv:Port");
        ConnectionString = $"127.0.0.1:{_port}";
        var configuration = Path.Combine(DataDirectory, "clamd.conf");
        File.WriteAllText(configuration, string.Join('\n',
        [
            $"DatabaseDirectory {database}",
            $"TCPSocket {_port.ToString(CultureInfo.InvariantCulture)}",
            "TCPAddr 127.0.0.1",
            "Foreground yes",
            $"LogFile {Path.Combine(DataDirectory, "clamd.log")}",
            $"PidFile {Path.Combine(DataDirectory, "clamd.pid")}",
            $"StreamMaxLength {ScanLimit}",
            $"MaxScanSize {ScanLimit}",
            $"MaxFileSize {ScanLimit}",
            .. Commands.IsRoot ? new[] { "User root" } : [],
            "",
        ]));
        _process = ChildProcess.Start(daemon, ["--config-file", configuration], Logs);
        ProcessId = _process.Id;
    }

    private async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        var separator = ConnectionString!.LastIndexOf(':');
        using var client = new TcpClient();
        await client.ConnectAsync(ConnectionString[..separator], int.Parse(ConnectionString[(separator + 1)..], CultureInfo.InvariantCulture), cancellationToken);
        var stream = client.GetStream();
        await stream.WriteAsync("zPING\0"u8.ToArray(), cancellationToken);
        var answer = new byte[16];
        var read = await stream.ReadAsync(answer, cancellationToken);
        return Encoding.ASCII.GetString(answer, 0, read).StartsWith("PONG", StringComparison.Ordinal);
    }
}
