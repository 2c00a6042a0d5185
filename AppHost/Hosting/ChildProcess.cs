using System.Diagnostics;
using System.Runtime.InteropServices;

namespace EfaPlatform.AppHost.Hosting;

/// <summary>A process the AppHost owns: its output goes to a <see cref="LogBuffer"/>, and it is stopped politely first.</summary>
public sealed partial class ChildProcess : IAsyncDisposable
{
    public const int SigInt = 2;
    public const int SigKill = 9;
    public const int SigTerm = 15;

    private readonly Process _process;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(Process process) => _process = process;

    /// <summary>Told of every child started in this process (the AppHost records them in its <see cref="ProcessLedger"/>).</summary>
    public static event Action<int>? Started;

    public int Id => _process.Id;

    public Task<int> Exited => _exited.Task;

    public bool HasExited => _exited.Task.IsCompleted;

    public StreamWriter StandardInput => _process.StandardInput;

    /// <param name="onOutputLine">Sees each line of standard output before it is logged (for example to read a port).</param>
    public static ChildProcess Start(
        string fileName, IEnumerable<string> arguments, LogBuffer log, IReadOnlyDictionary<string, string?>? environment = null,
        string? workingDirectory = null, Action<string>? onOutputLine = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            startInfo.Environment[name] = value;
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                onOutputLine?.Invoke(e.Data);
                log.Add("stdout", e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                log.Add("stderr", e.Data);
            }
        };
        process.Exited += (_, _) =>
        {
            // Drain the output pipes before reporting the exit, so that the last lines are never lost.
            process.WaitForExit();
            child._exited.TrySetResult(process.ExitCode);
        };

        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {fileName}.");
        }

        Started?.Invoke(process.Id);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Sends <paramref name="signal"/>, waits up to <paramref name="grace"/>, then kills the whole process tree.</summary>
    public async Task StopAsync(int signal, TimeSpan grace)
    {
        if (HasExited)
        {
            return;
        }

        Signal(signal);
        if (await Task.WhenAny(Exited, Task.Delay(grace)) != Exited)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Exited in the meantime.
            }

            await Task.WhenAny(Exited, Task.Delay(TimeSpan.FromSeconds(2)));
        }
    }

    public void Signal(int signal)
    {
        if (!HasExited)
        {
            _ = SendSignal(_process.Id, signal);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(SigTerm, TimeSpan.FromSeconds(5));
        _process.Dispose();
    }

    public static bool IsAlive(int pid) => SendSignal(pid, 0) == 0;

    /// <returns>0 when the signal was sent.</returns>
    public static int SignalProcess(int pid, int signal) => SendSignal(pid, signal);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
