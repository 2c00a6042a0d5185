using EfaPlatform.AppHost.Hosting;
using EfaPlatform.Contracts.Events;

namespace EfaPlatform.AppHost.Resources;

/// <summary>
/// The Kafka development cluster: librdkafka's in-memory mock cluster in a process of its own (3 brokers, the platform's
/// topics with 6 partitions each). For development and tests only. A connection string (bootstrap servers) replaces it.
/// </summary>
public sealed class KafkaResource(string name, string? externalBootstrapServers) : Resource(name)
{
    private readonly string? _external = externalBootstrapServers;
    /// <summary>Messaging:FetchWaitMax for consumers of the development cluster (see bench/README.md).</summary>
    public const string DevelopmentFetchWaitMax = "00:00:00.020";
    public const string ProjectPath = "src/KafkaDevCluster/EfaPlatform.KafkaDevCluster.csproj";
    private TaskCompletionSource<string> _bootstrap = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SortedSet<string> _publishers = new(EventTopics.PublishingServices, StringComparer.Ordinal);
    private readonly SemaphoreSlim _commandLock = new(1, 1);
    private TaskCompletionSource<string>? _reply;
    private ChildProcess? _process;

    public override string Type => _external is null ? "kafka (development, in-memory)" : "kafka (external)";

    public bool IsDevelopmentCluster => _external is null;

    /// <summary>A service that uses the cluster gets its topic (and dead-letter topic), beside those the contracts name.</summary>
    public void AddPublisher(string service) => _publishers.Add(service);

    public string? BootstrapServers { get; private set; } = externalBootstrapServers;

    public override IReadOnlyList<ResourceEndpoint> Endpoints =>
        BootstrapServers is null ? [] : BootstrapServers.Split(',').Select((server, i) => new ResourceEndpoint($"broker-{i + 1}", $"kafka://{server}")).ToList();

    /// <summary>
    /// The development cluster came back after a crash. It keeps nothing on disk and listens on new ports, so its topics
    /// are created anew and every service that uses it must start again with the new bootstrap servers.
    /// </summary>
    public event Action? Restarted;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        SetState(ResourceState.Starting);
        StartedAt = DateTimeOffset.UtcNow;
        if (_external is null)
        {
            await LaunchAsync(cancellationToken);
            var supervisor = Supervise(_process!, async restartCancellation =>
            {
                await LaunchAsync(restartCancellation);
                return _process!;
            }, _ => Task.FromResult(_process is { HasExited: false }));
            supervisor.Restarted += () =>
            {
                Restarted?.Invoke();
                return Task.CompletedTask;
            };
        }

        SetState(ResourceState.Running, "healthy");
    }

    public override Task StopAsync() => StopSupervisedAsync(_process);

    private async Task LaunchAsync(CancellationToken cancellationToken)
    {
        var arguments = new List<string> { ProjectLocator.OutputAssembly(ProjectPath), "--brokers", "3", "--partitions", "6" };
        foreach (var topic in EventTopics.TopicsFor(_publishers))
        {
            arguments.AddRange(["--topic", topic]);
        }

        _bootstrap = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _process = ChildProcess.Start(ProjectLocator.DotnetHost, arguments, Logs, onOutputLine: OnOutput);
        ProcessId = _process.Id;
        var exited = _process.Exited.ContinueWith(t => "", TaskScheduler.Default);
        var first = await Task.WhenAny(_bootstrap.Task, exited).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        if (first != _bootstrap.Task)
        {
            throw new ResourceStartException($"The Kafka development cluster exited at start: {string.Join(" | ", Logs.After(0).TakeLast(5).Select(l => l.Text))}");
        }

        BootstrapServers = await _bootstrap.Task;
    }

    /// <summary>Sends a control command (for example "all-down", "broker-up 2", "create-topic name 6") and returns the reply.</summary>
    public async Task<string> SendAsync(string command, CancellationToken cancellationToken = default)
    {
        if (_process is null)
        {
            throw new InvalidOperationException("Only the development cluster takes commands.");
        }

        await _commandLock.WaitAsync(cancellationToken);
        try
        {
            _reply = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            await _process.StandardInput.WriteLineAsync(command.AsMemory(), cancellationToken);
            await _process.StandardInput.FlushAsync(cancellationToken);
            var reply = await _reply.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
            return reply.StartsWith("ok", StringComparison.Ordinal)
                ? reply
                : throw new InvalidOperationException($"Kafka development cluster: {reply}");
        }
        finally
        {
            _commandLock.Release();
        }
    }

    private void OnOutput(string line)
    {
        if (line.StartsWith("bootstrap=", StringComparison.Ordinal))
        {
            _bootstrap.TrySetResult(line["bootstrap=".Length..]);
        }
        else if (line.StartsWith("ok", StringComparison.Ordinal) || line.StartsWith("error", StringComparison.Ordinal))
        {
            _reply?.TrySetResult(line);
        }
    }
}
