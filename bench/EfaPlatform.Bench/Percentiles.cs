using System.Globalization;

namespace EfaPlatform.Bench;

internal static class Percentiles
{
    public static double Of(IReadOnlyList<double> sorted, double percentile) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    public static string Describe(List<double> milliseconds)
    {
        milliseconds.Sort();
        return string.Create(CultureInfo.InvariantCulture,
            $"p50 {Of(milliseconds, 50):0.00} ms, p99 {Of(milliseconds, 99):0.00} ms, max {milliseconds[^1]:0.00} ms");
    }
}
