using System.Globalization;

namespace EfaPlatform.AppHost.Hosting;

/// <summary>
/// Keeps one resource's process alive: when it exits without being asked to, it is started again after a backoff that
/// grows while it keeps failing (1, 2, 4 … 30 s; back to 1 s once it ran for a minute). Between exits a probe keeps the
/// resource's state and health current, so the dashboard shows an outage as it happens.
/// </summary>
public sealed class Supervisor(
    Resource resource,
    Func<CancellationToken, Task<ChildProcess>> restart,
    Func<CancellationToken, Task<bool>> isHealthy)
{
    private static readonly TimeSpan HealthTimeout = TimeSpan.FromMinutes(2);
    private readonly CancellationTokenSource _stopping = new();
    private Task? _running;

    /// <summary>Runs after each restart once the resource is healthy again (for example to restart what depends on it).</summary>
    public event Func<Task>? Restarted;

    public void Watch(ChildProcess process) => _running = Task.Run(() => SuperviseAsync(process), CancellationToken.None);

    public async Task StopAsync()
    {
        await _stopping.CancelAsync();
        if (_running is not null)
        {
            await _running;
        }
    }

    private async Task SuperviseAsync(ChildProcess process)
    {
        var health = Task.Run(() => WatchHealthAsync(() => process, _stopping.Token));
        var failuresInARow = 0;
        while (!_stopping.IsCancellationRequested)
        {
            var exitCode = await process.Exited.WaitAsync(_stopping.Token).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : (int?)null, TaskScheduler.Default);
            if (_stopping.IsCancellationRequested || exitCode is null)
            {
                break;
            }

            var ranFor = DateTimeOffset.UtcNow - (resource.StartedAt ?? DateTimeOffset.UtcNow);
            failuresInARow = ranFor > TimeSpan.FromMinutes(1) ? 1 : failuresInARow + 1;
            resource.SetState(ResourceState.Exited, $"exit code {exitCode.Value.ToString(CultureInfo.InvariantCulture)}");
            var delay = TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, failuresInARow - 1)));
            resource.SetState(ResourceState.Restarting, $"restarting in {delay.TotalSeconds:0} s");
            try
            {
                await Task.Delay(delay, _stopping.Token);
                resource.RestartCount++;
                resource.StartedAt = DateTimeOffset.UtcNow;
                resource.SetState(ResourceState.Starting);
                process = await restart(_stopping.Token);
                resource.ProcessId = process.Id;
                await WaitForHealthAsync(process, _stopping.Token);
                if (process.HasExited)
                {
                    continue;
                }

                resource.SetState(ResourceState.Running, "healthy");
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is ResourceStartException or IOException or InvalidOperationException)
            {
                resource.LastError = e.Message;
                resource.SetState(ResourceState.Failed, e.Message);
                continue;
            }

            if (Restarted is { } restarted)
            {
                try
                {
                    await restarted();
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    resource.LastError = $"after the restart: {e.Message}";
                }
            }
        }

        await health;
    }

    /// <summary>A process that runs but does not become healthy in time is ended, so that the next round starts it anew.</summary>
    private async Task WaitForHealthAsync(ChildProcess process, CancellationToken stopping)
    {
        var deadline = DateTimeOffset.UtcNow + HealthTimeout;
        while (!process.HasExited && !await ProbeAsync(stopping))
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                resource.LastError = $"not healthy {HealthTimeout.TotalSeconds:0} s after its start";
                process.Signal(ChildProcess.SigKill);
                await process.Exited.WaitAsync(stopping);
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), stopping);
        }
    }

    private async Task WatchHealthAsync(Func<ChildProcess> current, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (current().HasExited || resource.State is ResourceState.Restarting or ResourceState.Exited or ResourceState.Starting)
            {
                continue;
            }

            var healthy = await ProbeAsync(stopping);
            if (stopping.IsCancellationRequested)
            {
                return;
            }

            switch (healthy, resource.State)
            {
                case (true, not ResourceState.Running):
                    resource.SetState(ResourceState.Running, "healthy");
                    break;
                case (false, ResourceState.Running):
                    resource.SetState(ResourceState.Unhealthy, "unhealthy");
                    break;
            }
        }
    }

    private async Task<bool> ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            return await isHealthy(timeout.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
