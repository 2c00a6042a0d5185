using System.Globalization;

namespace EfaPlatform.AppHost.Hosting;

/// <summary>
/// Records every child process the AppHost starts, so that the next AppHost can end children that an AppHost killed
/// with SIGKILL left behind (their ports and data folders would otherwise stay taken).
/// A process is identified by its id and its start time, so a reused id is never mistaken for a leftover.
/// </summary>
public sealed class ProcessLedger(string path)
{
    private readonly Lock _lock = new();

    /// <summary>
    /// Stops the processes an earlier AppHost recorded and that still run: SIGTERM first, so that PostgreSQL and Redis
    /// shut down cleanly and leave nothing that blocks their next start, SIGKILL for what is left after the grace.
    /// </summary>
    /// <returns>How many there were.</returns>
    public async Task<int> EndLeftoversAsync(TimeSpan grace)
    {
        if (!File.Exists(path))
        {
            return 0;
        }

        var leftovers = new List<(int Pid, string StartTime)>();
        foreach (var line in await File.ReadAllLinesAsync(path))
        {
            var parts = line.Split(' ');
            if (parts.Length == 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out var pid) && StartTimeOf(pid) == parts[1])
            {
                leftovers.Add((pid, parts[1]));
                ChildProcess.SignalProcess(pid, ChildProcess.SigTerm);
            }
        }

        bool StillRunning((int Pid, string StartTime) process) => StartTimeOf(process.Pid) == process.StartTime;
        var deadline = DateTimeOffset.UtcNow + grace;
        while (leftovers.Any(StillRunning) && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        foreach (var process in leftovers.Where(StillRunning))
        {
            ChildProcess.SignalProcess(process.Pid, ChildProcess.SigKill);
        }

        // Gone for sure before anything starts anew: a PostgreSQL still dying holds its data directory's lock file.
        var killDeadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(10);
        while (leftovers.Any(StillRunning) && DateTimeOffset.UtcNow < killDeadline)
        {
            await Task.Delay(100);
        }

        File.Delete(path);
        return leftovers.Count;
    }

    public void Record(int pid)
    {
        if (StartTimeOf(pid) is not { } startTime)
        {
            return;
        }

        lock (_lock)
        {
            File.AppendAllText(path, $"{pid.ToString(CultureInfo.InvariantCulture)} {startTime}\n");
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            if (File.Exists(path))
            {
                File.Delete(path);
            }
        }
    }

    /// <summary>Field 22 of /proc/{pid}/stat: when the process started, in clock ticks since boot.</summary>
    private static string? StartTimeOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) may contain spaces; the fields after it start behind its closing parenthesis.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields[19];
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
