using System.Diagnostics;
using System.Globalization;
using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.Bench;

/// <summary>
/// Citizens signing in at once, the way a front end signs them in: the authorization code flow with PKCE through the
/// gateway, the development eID as the sign-in (trust level high), each citizen with its own cookies and pseudonym.
/// Reports every request of the flow on its own, so that the slow step shows.
/// </summary>
internal static class SignInBenchmark
{
    public static async Task RunAsync(int citizens, int rounds)
    {
        await using var platform = await PlatformProcess.StartAsync(["--Logging:LogLevel:Default=Warning"]);
        var gateway = await platform.EndpointAsync("gateway", "http");
        var run = Guid.NewGuid().ToString("N")[..8];

        // Warm-up: JIT, connection pools, the first account rows.
        await SignInAllAsync(gateway, $"warm-{run}", 10);

        var timings = new List<(string Request, double Milliseconds)>();
        var flows = new List<double>();
        var clock = Stopwatch.StartNew();
        for (var round = 0; round < rounds; round++)
        {
            var (roundTimings, roundFlows) = await SignInAllAsync(gateway, $"bench-{run}-{round}", citizens);
            timings.AddRange(roundTimings);
            flows.AddRange(roundFlows);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"sign-in (development eID, code flow with PKCE, through the gateway): {rounds} rounds of {citizens} citizens at once, {flows.Count / clock.Elapsed.TotalSeconds:0.0} sign-ins/s"));
        Console.WriteLine($"  {"whole sign-in",-36} {Percentiles.Describe(flows)}");
        foreach (var step in timings.GroupBy(t => t.Request))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {step.Key,-36} {Percentiles.Describe(step.Select(t => t.Milliseconds).ToList())} ({step.Count()} requests)"));
        }
    }

    private static async Task<(List<(string, double)> Timings, List<double> Flows)> SignInAllAsync(string gateway, string prefix, int citizens)
    {
        var results = await Task.WhenAll(Enumerable.Range(0, citizens).Select(i => Task.Run(async () =>
        {
            using var oidc = new OidcClient(gateway) { Timings = [] };
            var started = Stopwatch.GetTimestamp();
            var (status, body) = await oidc.SignInWithDevelopmentEidAsync($"{prefix}-{i}");
            if (status != System.Net.HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"Sign-in answered {(int)status}: {body}");
            }

            return (oidc.Timings, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        })));
        return (results.SelectMany(r => r.Timings).ToList(), results.Select(r => r.Item2).ToList());
    }
}
