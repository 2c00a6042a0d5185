using System.Net;
using System.Text.Json;
using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.Routing.Tests;

/// <summary>One municipality's directory as its tenant-admin uses it over REST.</summary>
public sealed class DirectoryApi(string baseUrl, string tenant, string adminToken) : IDisposable
{
    public const string Heidelberg = "082210000000";
    public const string ParkingPermit = "99108008016000";
    public const string Registration = "99115005001000";

    public HttpClient Http { get; } = new() { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(60) };

    public string Tenant => tenant;

    public static object Unit(string name, string[] leikaKeys, string[] areas, params object[] destinations) => new
    {
        name, leikaKeys, areas, contact = new { email = "amt@stadt.example", phone = "+49 6221 58-0", address = "Marktplatz 10, 69117 Heidelberg" },
        destinations = destinations.Length > 0 ? destinations : [new { channel = "inbox" }],
    };

    public static object Push(string url, string secret = "a-callback-secret-of-32-characters!!") => new { channel = "push", pushUrl = url, callbackSecret = secret };

    public Task<(HttpStatusCode Status, JsonElement Body)> PutAsync(string unitId, object unit, string? token = null, long expectedVersion = 0) =>
        Http.SendAsync(HttpMethod.Put, $"/api/routing/v1/tenants/{tenant}/units/{unitId}?expectedVersion={expectedVersion}", token ?? adminToken, unit, Guid.NewGuid().ToString());

    public async Task<JsonElement> PutOkAsync(string unitId, object unit)
    {
        var (status, body) = await PutAsync(unitId, unit);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body;
    }

    public Task<(HttpStatusCode Status, JsonElement Body)> ImportAsync(string format, string content) =>
        Http.SendAsync(HttpMethod.Post, $"/api/routing/v1/tenants/{tenant}/units:import", adminToken, new { format, content }, Guid.NewGuid().ToString());

    public async Task<JsonElement> LookupAsync(string leikaKey, string ars = Heidelberg)
    {
        var (status, body) = await Http.SendAsync(HttpMethod.Get, $"/api/routing/v1/tenants/{tenant}/responsibility?leikaKey={leikaKey}&ars={ars}", adminToken);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body;
    }

    public async Task<JsonElement> UnitsAsync()
    {
        var (status, body) = await Http.SendAsync(HttpMethod.Get, $"/api/routing/v1/tenants/{tenant}/units?pageSize=100", adminToken);
        Assert.Equal(HttpStatusCode.OK, status);
        return body;
    }

    /// <summary>The field violations of a problem document: "field: description".</summary>
    public static List<string> Violations(JsonElement problem) =>
        problem.TryGetProperty("errors", out var errors)
            ? [.. errors.EnumerateObject().SelectMany(field => field.Value.EnumerateArray().Select(message => $"{field.Name}: {message.GetString()}"))]
            : [];

    public void Dispose() => Http.Dispose();
}
