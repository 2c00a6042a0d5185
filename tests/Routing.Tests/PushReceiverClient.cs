using System.Net.Http.Json;
using System.Text.Json;
using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.Routing.Tests;

/// <summary>The development push receiver the AppHost starts: what it took, and the faults a test asks of it.</summary>
public sealed class PushReceiverClient(string baseUrl) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };

    public static async Task<PushReceiverClient> OfAsync(PlatformFixture fixture) => new(await fixture.Platform.EndpointAsync("push-receiver", "http"));

    public async Task<List<JsonElement>> DeliveriesAsync() =>
        [.. (await _http.GetFromJsonAsync<JsonElement>("/deliveries")).EnumerateArray()];

    public async Task<JsonElement> DeliveryOfAsync(string submissionId) =>
        (await Eventually.WaitAsync(async () =>
            (await DeliveriesAsync()).Where(d => d.GetProperty("submissionId").GetString() == submissionId).Select(d => (JsonElement?)d).FirstOrDefault(),
            TimeSpan.FromSeconds(60), $"the receiver took {submissionId}"))!.Value;

    /// <summary>The body exactly as it arrived and its three headers.</summary>
    public async Task<(string Body, string Timestamp, string Signature)> RawAsync(string deliveryId)
    {
        var raw = await _http.GetFromJsonAsync<JsonElement>($"/deliveries/{deliveryId}/raw");
        var headers = raw.GetProperty("headers").GetString()!.Split('\n').Select(line => line.Split(": ", 2)).ToDictionary(p => p[0], p => p[1]);
        return (raw.GetProperty("body").GetString()!, headers["callback-timestamp"], headers["callback-authentication"]);
    }

    public async Task FaultsAsync(int failNext = 0, int status = 500, int delayMs = 0, int delayNext = 0, int closeNext = 0, bool down = false)
    {
        using var response = await _http.PostAsJsonAsync("/control/faults", new { failNext, status, delayMs, delayNext, closeNext, down });
        response.EnsureSuccessStatusCode();
    }

    public void Dispose() => _http.Dispose();
}
