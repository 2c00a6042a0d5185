using System.Globalization;

namespace EfaPlatform.Bench;

/// <summary>
/// CPU time of a process and its children from /proc, so that a benchmark can say what one request costs each process.
/// On two shared cores requests/s depends on everything else running; CPU time per request much less so.
/// </summary>
internal static class CpuTime
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>User plus system time of <paramref name="processId"/> and its direct children, in seconds (0 for 0).</summary>
    public static double OfTree(int processId)
    {
        if (processId == 0)
        {
            return 0;
        }

        var total = 0.0;
        foreach (var stat in Directory.EnumerateDirectories("/proc").Select(d => Path.Combine(d, "stat")))
        {
            var fields = Read(stat);
            if (fields is not null && (fields[0] == processId.ToString(CultureInfo.InvariantCulture) || fields[3] == processId.ToString(CultureInfo.InvariantCulture)))
            {
                total += (long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture)) / TicksPerSecond;
            }
        }

        return total;
    }

    public static string PerRequest(double seconds, long requests) =>
        requests == 0 ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"{seconds / requests * 1e6:0} µs");

    /// <summary>The fields of /proc/PID/stat with the command name (which may hold blanks) taken out, or null.</summary>
    private static string[]? Read(string path)
    {
        try
        {
            var text = File.ReadAllText(path);
            var end = text.LastIndexOf(')');
            return end < 0 ? null : [text[..text.IndexOf(' ', StringComparison.Ordinal)], "comm", .. text[(end + 2)..].Split(' ')];
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
