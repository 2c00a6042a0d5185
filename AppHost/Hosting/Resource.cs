namespace EfaPlatform.AppHost.Hosting;

public enum ResourceState
{
    NotStarted,
    Starting,
    Running,
    Unhealthy,
    Restarting,
    Exited,
    Stopping,
    Stopped,
    Failed,
}

public sealed record ResourceEndpoint(string Name, string Url);

/// <summary>
/// Something the AppHost starts and watches: infrastructure or a service. The name is also the connection-string
/// key and the service-discovery host ("one name everywhere").
/// </summary>
public abstract class Resource(string name)
{
    private readonly List<Resource> _waitFor = [];
    private Supervisor? _supervisor;

    public string Name { get; } = name;

    public abstract string Type { get; }

    public ResourceState State { get; private set; } = ResourceState.NotStarted;

    public string Health { get; protected set; } = "unknown";

    public int? ProcessId { get; protected internal set; }

    public int RestartCount { get; internal set; }

    public DateTimeOffset? StartedAt { get; protected internal set; }

    public string? LastError { get; protected internal set; }

    public LogBuffer Logs { get; } = new();

    public abstract IReadOnlyList<ResourceEndpoint> Endpoints { get; }

    public IReadOnlyList<Resource> Dependencies => _waitFor;

    /// <summary>Signal sent to ask the process to stop (PostgreSQL shuts down fastest on SIGINT).</summary>
    protected virtual int StopSignal => ChildProcess.SigTerm;

    internal void AddDependency(Resource resource)
    {
        if (!_waitFor.Contains(resource))
        {
            _waitFor.Add(resource);
        }
    }

    /// <summary>Starts the resource and returns once it is healthy.</summary>
    public abstract Task StartAsync(CancellationToken cancellationToken);

    public abstract Task StopAsync();

    protected void Log(string text) => Logs.Add("apphost", text);

    protected internal void SetState(ResourceState state, string? health = null)
    {
        State = state;
        if (health is not null)
        {
            Health = health;
        }

        Log($"state: {state.ToString().ToLowerInvariant()}{(health is null ? "" : $" ({health})")}");
    }

    /// <summary>From here on a <see cref="Supervisor"/> restarts <paramref name="process"/> when it exits and keeps health current.</summary>
    protected Supervisor Supervise(ChildProcess process, Func<CancellationToken, Task<ChildProcess>> restart, Func<CancellationToken, Task<bool>> isHealthy)
    {
        _supervisor = new Supervisor(this, restart, isHealthy);
        _supervisor.Watch(process);
        return _supervisor;
    }

    /// <summary>Ends supervision first (so that stopping is not taken for a crash), then the process.</summary>
    protected async Task StopSupervisedAsync(ChildProcess? process)
    {
        if (_supervisor is not null)
        {
            await _supervisor.StopAsync();
        }

        await StopProcessAsync(process);
    }

    protected async Task StopProcessAsync(ChildProcess? process)
    {
        if (process is null)
        {
            return;
        }

        SetState(ResourceState.Stopping);
        await process.StopAsync(StopSignal, TimeSpan.FromSeconds(6));
        SetState(ResourceState.Stopped, "stopped");
    }

    /// <summary>Polls <paramref name="probe"/> until it succeeds, the process exits or <paramref name="timeout"/> passes.</summary>
    protected static async Task WaitUntilAsync(
        Func<CancellationToken, Task<bool>> probe, ChildProcess? process, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            if (process is { HasExited: true })
            {
                throw new ResourceStartException($"{what}: the process exited with code {await process.Exited} before it was ready.");
            }

            try
            {
                if (await probe(deadline.Token))
                {
                    return;
                }
            }
            catch (Exception) when (!deadline.IsCancellationRequested)
            {
                // Not ready yet.
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                break;
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }

        throw new ResourceStartException($"{what}: not ready after {timeout.TotalSeconds:0} s.");
    }
}

/// <summary>A resource could not start; the message says what to do about it.</summary>
public sealed class ResourceStartException(string message) : Exception(message);
