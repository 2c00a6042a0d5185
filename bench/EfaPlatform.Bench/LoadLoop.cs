using System.Diagnostics;
using System.Globalization;

namespace EfaPlatform.Bench;

internal static class LoadLoop
{
    /// <summary>
    /// Runs <paramref name="call"/> from <paramref name="concurrency"/> workers for <paramref name="duration"/>; each call
    /// returns its own latency in milliseconds. Returns all latencies and the time taken.
    /// </summary>
    public static async Task<(List<double> Latencies, TimeSpan Elapsed)> RunAsync(int concurrency, TimeSpan duration, Func<Task<double>> call)
    {
        var latencies = new List<double>[concurrency];
        var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var own = latencies[worker] = [];
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                own.Add(await call());
            }
        })));
        return (latencies.SelectMany(l => l).ToList(), clock.Elapsed);
    }

    /// <summary>Warms up with <paramref name="warmUpCalls"/> sequential calls, runs the loop, and prints one result line.</summary>
    public static async Task ReportAsync(
        string name, string conditions, string unit, int concurrency, TimeSpan duration, Func<Task<double>> call, int warmUpCalls = 50)
    {
        for (var i = 0; i < warmUpCalls; i++)
        {
            await call();
        }

        var (all, elapsed) = await RunAsync(concurrency, duration, call);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name} ({conditions}, {concurrency} clients, {duration.TotalSeconds:0} s): {all.Count / elapsed.TotalSeconds:0} {unit}/s, {Percentiles.Describe(all)}"));
    }
}
