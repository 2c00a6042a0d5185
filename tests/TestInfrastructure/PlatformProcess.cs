using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using EfaPlatform.AppHost.Hosting;

namespace EfaPlatform.TestInfrastructure;

/// <summary>
/// The whole platform as `dotnet run --project AppHost` starts it, in a process of its own, on free ports and with a
/// data folder of its own. End-to-end tests drive it through the gateway and watch it through the dashboard's API.
/// </summary>
public sealed class PlatformProcess : IAsyncDisposable
{
    public const string AppHostProject = "AppHost/EfaPlatform.AppHost.csproj";
    private readonly string _dataDirectory;
    private readonly bool _ownsDataDirectory;
    private readonly HttpClient _dashboard = new() { Timeout = TimeSpan.FromSeconds(10) };

    private PlatformProcess(ChildProcess process, LogBuffer output, string dataDirectory, bool ownsDataDirectory, string token)
    {
        Process = process;
        Output = output;
        _dataDirectory = dataDirectory;
        _ownsDataDirectory = ownsDataDirectory;
        Token = token;
        _dashboard.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public ChildProcess Process { get; }

    /// <summary>Everything the AppHost printed; tests show it when they fail.</summary>
    public LogBuffer Output { get; }

    public string Token { get; }

    /// <summary>The AppHost's data folder: development secrets live here.</summary>
    public string DataDirectory => _dataDirectory;

    public string Secret(string name) => File.ReadAllText(Path.Combine(_dataDirectory, $"{name}.secret")).Trim();

    public string DashboardUrl { get; private set; } = "";

    public string LoginUrl => $"{DashboardUrl}/login?t={Token}";

    public string OutputText => string.Join(Environment.NewLine, Output.After(0, int.MaxValue).Select(line => line.Text));

    /// <summary>Starts the AppHost and waits until it says the platform runs (or fails, when <paramref name="expectRunning"/> is false).</summary>
    /// <param name="environment">Variables of the AppHost's process, which every resource inherits (Payment__ExpiresAfter, …).</param>
    public static async Task<PlatformProcess> StartAsync(
        IEnumerable<string>? arguments = null, string? dataDirectory = null, bool expectRunning = true, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var ownsDataDirectory = dataDirectory is null;
        dataDirectory ??= TestDirectories.Create("platform");
        var token = Guid.NewGuid().ToString("N");
        var output = new LogBuffer(20_000);
        var dashboardUrl = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Through env, so that Ctrl+C (SIGINT) reaches the AppHost even when the tests run as a background job, whose
        // shell leaves SIGINT ignored for everything it starts (and .NET keeps an ignored SIGINT ignored). env execs,
        // so the process id stays the AppHost's.
        var process = ChildProcess.Start("env",
            [
                "--default-signal=INT", ProjectLocator.DotnetHost, ProjectLocator.OutputAssembly(AppHostProject),
                $"--AppHost:DataDirectory={dataDirectory}", "--Dashboard:Port=0", $"--Dashboard:Token={token}",
                "--gateway:HttpPort=0", "--gateway:GrpcPort=0", .. arguments ?? [],
            ],
            output,
            environment,
            onOutputLine: line =>
            {
                if (line.StartsWith("Dashboard: ", StringComparison.Ordinal))
                {
                    dashboardUrl.TrySetResult(line["Dashboard: ".Length..].Split("/login")[0]);
                }
                else if (line.StartsWith("EfaPlatform is running", StringComparison.Ordinal))
                {
                    running.TrySetResult();
                }
            });

        var platform = new PlatformProcess(process, output, dataDirectory, ownsDataDirectory, token);
        if (!expectRunning)
        {
            return platform;
        }

        var started = await Task.WhenAny(running.Task, process.Exited, Task.Delay(TimeSpan.FromMinutes(3)));
        if (started != running.Task)
        {
            var text = platform.OutputText;
            await platform.DisposeAsync();
            throw new InvalidOperationException($"The AppHost did not start the platform:{Environment.NewLine}{text}");
        }

        platform.DashboardUrl = await dashboardUrl.Task;
        return platform;
    }

    public async Task<List<JsonElement>> ResourcesAsync() =>
        await _dashboard.GetFromJsonAsync<List<JsonElement>>($"{DashboardUrl}/api/resources") ?? [];

    public async Task<JsonElement> ResourceAsync(string name) =>
        (await ResourcesAsync()).Single(resource => resource.GetProperty("name").GetString() == name);

    public async Task<string> EndpointAsync(string resource, string endpoint) =>
        (await ResourceAsync(resource)).GetProperty("endpoints").EnumerateArray()
            .Single(e => e.GetProperty("name").GetString() == endpoint).GetProperty("url").GetString()!;

    /// <summary>Kills a service with SIGKILL and waits until the AppHost has it running again.</summary>
    /// <returns>The killed process id.</returns>
    public async Task<int> KillAndAwaitRestartAsync(string resource)
    {
        var before = await ResourceAsync(resource);
        var pid = before.GetProperty("processId").GetInt32();
        var restarts = before.GetProperty("restartCount").GetInt32();
        ChildProcess.SignalProcess(pid, ChildProcess.SigKill);
        await Eventually.WaitAsync(async () =>
            await ResourceAsync(resource) is var r
            && r.GetProperty("restartCount").GetInt32() > restarts
            && r.GetProperty("state").GetString() == "running",
            TimeSpan.FromSeconds(90), $"{resource} to run again after kill -9");
        return pid;
    }

    /// <summary>Ctrl+C, and the AppHost's exit code.</summary>
    public async Task<int> InterruptAsync(TimeSpan timeout)
    {
        Process.Signal(ChildProcess.SigInt);
        return await Process.Exited.WaitAsync(timeout);
    }

    public async ValueTask DisposeAsync()
    {
        await Process.StopAsync(ChildProcess.SigInt, TimeSpan.FromSeconds(15));
        _dashboard.Dispose();
        if (_ownsDataDirectory)
        {
            TestDirectories.Delete(_dataDirectory);
        }
    }
}
