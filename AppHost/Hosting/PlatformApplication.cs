using System.Runtime.InteropServices;
using EfaPlatform.AppHost.Dashboard;
using Microsoft.Extensions.Configuration;

namespace EfaPlatform.AppHost.Hosting;

/// <summary>Starts the declared resources in dependency order, serves the dashboard, and stops everything on Ctrl+C or SIGTERM.</summary>
public sealed class PlatformApplication(IReadOnlyList<Resource> resources, IConfiguration configuration, string dataDirectory) : IAsyncDisposable
{
    private readonly Dictionary<Resource, Task> _starts = [];
    private readonly List<Action> _afterStart = [];

    public IReadOnlyList<Resource> Resources => resources;

    /// <summary>Runs once every resource is up, after the resource table is printed.</summary>
    public void AfterStart(Action action) => _afterStart.Add(action);

    public T Get<T>(string name) where T : Resource => resources.OfType<T>().Single(resource => resource.Name == name);

    /// <summary>Starts every resource once its dependencies are healthy; independent resources start in parallel.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var resource in resources)
        {
            _ = StartWithDependencies(resource, cancellationToken);
        }

        try
        {
            await Task.WhenAll(_starts.Values);
        }
        catch (ResourceStartException)
        {
            throw _starts.Values.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException).OfType<ResourceStartException>().First();
        }
    }

    /// <summary>
    /// Stops services first, all at once (they do not need each other to stop, and one after another the chain of
    /// dependencies made a stop take half a minute on a busy machine), then infrastructure in dependency order; each
    /// gets a polite signal and a few seconds before it is killed.
    /// </summary>
    public async Task StopAsync()
    {
        var services = resources.OfType<Resources.ProjectResource>().ToList();
        await Task.WhenAll(services.Select(service => service.StopAsync()));
        var remaining = resources.Except(services).ToList();
        while (remaining.Count > 0)
        {
            var leaves = remaining.Where(resource => !remaining.Any(other => other.Dependencies.Contains(resource))).ToList();
            await Task.WhenAll(leaves.Select(resource => resource.StopAsync()));
            remaining.RemoveAll(leaves.Contains);
        }
    }

    /// <summary>What `dotnet run --project AppHost` does: start, show the table and dashboard, run until Ctrl+C or SIGTERM.</summary>
    public async Task<int> RunAsync()
    {
        using var stop = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stop.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });

        Directory.CreateDirectory(dataDirectory);
        var ledger = new ProcessLedger(Path.Combine(dataDirectory, "apphost.pids"));
        if (await ledger.EndLeftoversAsync(TimeSpan.FromSeconds(10)) is > 0 and var leftovers)
        {
            Console.WriteLine($"Ended {leftovers} processes left running by an AppHost that did not stop cleanly.");
        }

        ChildProcess.Started += ledger.Record;
        DashboardServer? dashboard = null;
        try
        {
            dashboard = await DashboardServer.StartAsync(this, configuration, stop.Token);
            Console.WriteLine($"Dashboard: {dashboard.LoginUrl}");
            await StartAsync(stop.Token);
            Console.WriteLine(ResourceTable.Render(resources));
            _afterStart.ForEach(action => action());
            Console.WriteLine("EfaPlatform is running. Press Ctrl+C to stop.");
            await Task.Delay(Timeout.Infinite, stop.Token);
            return 0;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return 0;
        }
        catch (ResourceStartException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            foreach (var failed in resources.Where(r => r.State is ResourceState.Starting or ResourceState.Failed))
            {
                foreach (var line in failed.Logs.After(0).TakeLast(15))
                {
                    await Console.Error.WriteLineAsync($"  {failed.Name} | {line.Text}");
                }
            }

            return 1;
        }
        finally
        {
            Console.WriteLine("Stopping…");
            await StopAsync();
            if (dashboard is not null)
            {
                await dashboard.DisposeAsync();
            }

            ChildProcess.Started -= ledger.Record;
            ledger.Clear();
            Console.WriteLine("Stopped.");
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private Task StartWithDependencies(Resource resource, CancellationToken cancellationToken)
    {
        if (_starts.TryGetValue(resource, out var existing))
        {
            return existing;
        }

        var dependencies = resource.Dependencies.Select(dependency => StartWithDependencies(dependency, cancellationToken)).ToList();
        var start = StartAfterAsync(resource, dependencies, cancellationToken);
        _starts[resource] = start;
        return start;
    }

    private static async Task StartAfterAsync(Resource resource, List<Task> dependencies, CancellationToken cancellationToken)
    {
        await Task.WhenAll(dependencies);
        await resource.StartAsync(cancellationToken);
    }
}
