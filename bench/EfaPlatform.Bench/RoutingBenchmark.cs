using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using EfaPlatform.AppHost;
using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.Bench;

/// <summary>
/// Routing with the whole platform running: free residence registrations sent to the push receiver (the development
/// directory's inbox unit pointed at it), deliveries per second and the time from the citizen's submit answering to the
/// receiver having taken the delivery; and responsibility lookups per second through the gateway in a directory of
/// 10,000 units, answered from the Redis cache and, after a change, from PostgreSQL.
/// </summary>
internal static class RoutingBenchmark
{
    public static async Task RunAsync(int submissions, int concurrency, TimeSpan duration)
    {
        await using var platform = await PlatformProcess.StartAsync(["--Logging:LogLevel:Default=Warning"]);
        var gateway = await platform.EndpointAsync("gateway", "http");
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency * 2 }) { BaseAddress = new Uri(gateway), Timeout = TimeSpan.FromMinutes(2) };
        using var oidc = new OidcClient(gateway, platform.Secret("identity-seed-totp"));
        var admin = (await oidc.SignInAsync("admin@heidelberg.example", platform.Secret("identity-seed-password"))).Body.GetProperty("access_token").GetString()!;
        var receiver = await platform.EndpointAsync("push-receiver", "http");
        await PutUnitAsync(client, admin, "buergeramt", "Bürgeramt Heidelberg", ["99115005001000"], ["08221"],
            new { channel = "push", pushUrl = receiver + "/deliveries", callbackSecret = platform.Secret("push-receiver-callback") });

        await DeliveriesAsync(client, admin, receiver, submissions, concurrency);
        var machine = (await oidc.ClientCredentialsAsync("heidelberg-fachverfahren", platform.Secret("identity-seed-client"), "efa.routing")).Body
            .GetProperty("access_token").GetString()!;
        await LookupsAsync(client, admin, machine, concurrency, duration);
    }

    private static async Task DeliveriesAsync(HttpClient client, string admin, string receiverUrl, int count, int concurrency)
    {
        using var eid = new OidcClient(client.BaseAddress!.ToString().TrimEnd('/'));
        var citizen = (await eid.SignInWithDevelopmentEidAsync("dev-erika-mustermann")).Body.GetProperty("access_token").GetString()!;
        var documents = new ConcurrentQueue<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (_, _) =>
            documents.Enqueue(await UploadAsync(client, citizen)));

        var submittedAt = new ConcurrentDictionary<string, DateTimeOffset>();
        var clock = Stopwatch.StartNew();
        var firstSubmit = DateTimeOffset.UtcNow;
        await Parallel.ForEachAsync(documents, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (document, _) =>
        {
            var (status, submission) = await client.SendAsync(HttpMethod.Post, "/api/forms/v1/submissions", citizen,
                new { tenantId = DevelopmentTenant.Id, serviceId = "anmeldung-wohnung", answers = SampleAnswers.Registration(1, document), language = "de" },
                Guid.NewGuid().ToString());
            EnsureOk(status, submission);
            submittedAt[submission.GetProperty("submissionId").GetString()!] = DateTimeOffset.UtcNow;
        });
        var submitSeconds = clock.Elapsed.TotalSeconds;

        using var receiver = new HttpClient { BaseAddress = new Uri(receiverUrl) };
        List<JsonElement> taken;
        do
        {
            await Task.Delay(200);
            taken = [.. (await receiver.GetFromJsonAsync<JsonElement>("/deliveries")).EnumerateArray().Where(d => submittedAt.ContainsKey(d.GetProperty("submissionId").GetString()!))];
            if (clock.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new TimeoutException($"Only {taken.Count} of {count} deliveries arrived in 5 minutes.");
            }
        }
        while (taken.Count < count);

        var received = taken.Select(d => d.GetProperty("receivedAt").GetDateTimeOffset()).ToList();
        var latencies = taken.Select(d => (d.GetProperty("receivedAt").GetDateTimeOffset() - submittedAt[d.GetProperty("submissionId").GetString()!]).TotalMilliseconds).ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"submit ({count} registrations, {concurrency} clients): {count / submitSeconds:0} submissions/s; delivered: {count / (received.Max() - firstSubmit).TotalSeconds:0} deliveries/s, repeats {taken.Sum(d => d.GetProperty("received").GetInt32()) - count}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"submit answered → push receiver took it: {Percentiles.Describe(latencies)}"));

        // Where the time goes, from routing's own records of 100 of them: the event's way to routing, the wait for an attempt, the attempt.
        var (toRouting, waiting, attempt) = (new List<double>(), new List<double>(), new List<double>());
        foreach (var submissionId in submittedAt.Keys.Take(100))
        {
            var (_, delivery) = await client.SendAsync(HttpMethod.Get, $"/api/routing/v1/submissions/{submissionId}/delivery", admin);
            var (_, attempts) = await client.SendAsync(HttpMethod.Get, $"/api/routing/v1/deliveries/{delivery.GetProperty("deliveryId").GetString()}/attempts", admin);
            var first = attempts.GetProperty("attempts")[0];
            var created = delivery.GetProperty("createdAt").GetDateTimeOffset();
            toRouting.Add((created - submittedAt[submissionId]).TotalMilliseconds);
            waiting.Add((first.GetProperty("startedAt").GetDateTimeOffset() - created).TotalMilliseconds);
            attempt.Add((first.GetProperty("finishedAt").GetDateTimeOffset() - first.GetProperty("startedAt").GetDateTimeOffset()).TotalMilliseconds);
        }

        Console.WriteLine($"  submit answered → routing has it: {Percentiles.Describe(toRouting)}");
        Console.WriteLine($"  routing has it → attempt starts: {Percentiles.Describe(waiting)}");
        Console.WriteLine($"  attempt (assemble, sign, push, record): {Percentiles.Describe(attempt)}");
    }

    private static async Task LookupsAsync(HttpClient client, string admin, string machine, int concurrency, TimeSpan duration)
    {
        // 10,000 units: district offices of Baden-Württemberg's 44 districts, each for 20 of 500 LeiKa keys, and municipalities' own offices.
        var units = Enumerable.Range(0, 10_000).Select(i => new
        {
            unitId = $"amt-{i:D5}", name = $"Amt {i}", leikaKeys = Enumerable.Range(0, 20).Select(k => Leika((i * 20 + k) % 500)).ToArray(),
            areas = new[] { $"08{(i % 44) + 111:D3}{i / 44:D4}000"[..12] },
            contact = new { email = $"amt{i}@bw.example" }, destinations = new[] { new { channel = "inbox" } },
        }).ToList();
        var clock = Stopwatch.StartNew();
        var (status, imported) = await client.SendAsync(HttpMethod.Post, $"/api/routing/v1/tenants/{DevelopmentTenant.Id}/units:import", admin,
            new { format = "json", content = JsonSerializer.Serialize(new { units }) }, Guid.NewGuid().ToString());
        EnsureOk(status, imported);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"import of {units.Count} units (JSON, {imported.GetProperty("units").GetInt32()} units): {clock.Elapsed.TotalSeconds:0.0} s"));

        var asked = units.Take(1_000).Select(u => (Leika: u.leikaKeys[0], Ars: u.areas[0])).ToArray();
        async Task<double> LookupAsync(string leika, string ars)
        {
            var started = Stopwatch.GetTimestamp();
            var (code, answer) = await client.SendAsync(HttpMethod.Get, $"/api/routing/v1/tenants/{DevelopmentTenant.Id}/responsibility?leikaKey={leika}&ars={ars}", machine);
            EnsureOk(code, answer);
            return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        await LoadLoop.ReportAsync("lookup, cached", "1,000 key/area pairs asked again and again", "lookups", concurrency, duration,
            () => { var (leika, ars) = asked[Random.Shared.Next(asked.Length)]; return LookupAsync(leika, ars); });
        var fresh = 0;
        await LoadLoop.ReportAsync("lookup, not cached", "every pair asked the first time", "lookups", concurrency, duration, () =>
        {
            var i = Interlocked.Increment(ref fresh);
            return LookupAsync(Leika(i % 500), $"08{(i % 44) + 111:D3}{(i / 44) % 10_000:D4}{i % 1000:D3}"[..12]);
        });
    }

    private static string Leika(int i) => $"99{i:D6}000000";

    private static async Task PutUnitAsync(HttpClient client, string admin, string unitId, string name, string[] leikaKeys, string[] areas, object destination)
    {
        var (status, body) = await client.SendAsync(HttpMethod.Put, $"/api/routing/v1/tenants/{DevelopmentTenant.Id}/units/{unitId}", admin,
            new { name, leikaKeys, areas, destinations = new[] { destination } }, Guid.NewGuid().ToString());
        EnsureOk(status, body);
    }

    private static async Task<string> UploadAsync(HttpClient client, string citizen)
    {
        var content = new byte[16_000];
        Random.Shared.NextBytes(content);
        "%PDF-1.7\n"u8.CopyTo(content);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/documents/v1/uploads?fileName=Wohnungsgeberbestaetigung.pdf")
        {
            Content = new ByteArrayContent(content) { Headers = { ContentType = new MediaTypeHeaderValue("application/pdf") } },
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", citizen);
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("documentId").GetString()!;
    }

    private static void EnsureOk(System.Net.HttpStatusCode status, JsonElement body)
    {
        if (status != System.Net.HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"{(int)status}: {body}");
        }
    }
}
