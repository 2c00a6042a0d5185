using System.Diagnostics;
using System.Globalization;
using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.Bench;

/// <summary>
/// Citizens signing in at once, the way a front end signs them in: the authorization code flow with PKCE through the
/// gateway, the development eID as the sign-in (trust level high), each citizen with its own cookies (the development
/// eID knows two test persons, so they sign in many times over, as many browsers at once).
/// Reports every request of the flow on its own, so that the slow step shows.
/// </summary>
internal static class SignInBenchmark
{
    public static async Task RunAsync(int citizens, int rounds)
    {
        await using var platform = await PlatformProcess.StartAsync(["--Logging:LogLevel:Default=Warning"]);
        var gateway = await platform.EndpointAsync("gateway", "http");
        // Warm-up, two rounds: JIT (the sign-in touches much code once), connection pools, the first account rows.
        await SignInAllAsync(gateway, citizens);
        await SignInAllAsync(gateway, citizens);

        var timings = new List<(string Request, double Milliseconds)>();
        var flows = new List<double>();
        string[] processes = ["identity", "gateway", "postgres"];
        var processIds = new Dictionary<string, int>();
        foreach (var name in processes)
        {
            processIds[name] = (await platform.ResourceAsync(name)).GetProperty("processId").GetInt32();
        }

        var cpuBefore = processes.ToDictionary(name => name, name => CpuTime.OfTree(processIds[name]));
        var clock = Stopwatch.StartNew();
        for (var round = 0; round < rounds; round++)
        {
            var (roundTimings, roundFlows) = await SignInAllAsync(gateway, citizens);
            timings.AddRange(roundTimings);
            flows.AddRange(roundFlows);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"sign-in (development eID, code flow with PKCE, through the gateway): {rounds} rounds of {citizens} citizens at once, {flows.Count / clock.Elapsed.TotalSeconds:0.0} sign-ins/s"));
        Console.WriteLine($"  {"whole sign-in",-36} {Percentiles.Describe(flows)}");
        Console.WriteLine("  CPU per sign-in: " + string.Join(", ", processes.Select(name =>
            $"{name} {CpuTime.PerRequest(CpuTime.OfTree(processIds[name]) - cpuBefore[name], flows.Count)}")));
        foreach (var step in timings.GroupBy(t => t.Request))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {step.Key,-36} {Percentiles.Describe(step.Select(t => t.Milliseconds).ToList())} ({step.Count()} requests)"));
        }
    }

    private static readonly string[] TestPersons = ["dev-erika-mustermann", "dev-max-mustermann"];

    private static async Task<(List<(string, double)> Timings, List<double> Flows)> SignInAllAsync(string gateway, int citizens)
    {
        var results = await Task.WhenAll(Enumerable.Range(0, citizens).Select(i => Task.Run(async () =>
        {
            using var oidc = new OidcClient(gateway) { Timings = [] };
            var started = Stopwatch.GetTimestamp();
            var (status, body) = await oidc.SignInWithDevelopmentEidAsync(TestPersons[i % TestPersons.Length]);
            if (status != System.Net.HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"Sign-in answered {(int)status}: {body}");
            }

            return (oidc.Timings, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        })));
        return (results.SelectMany(r => r.Timings).ToList(), results.Select(r => r.Item2).ToList());
    }
}
