using System.Net;
using EfaPlatform.TestInfrastructure;
using Npgsql;

namespace EfaPlatform.Routing.Tests;

/// <summary>
/// Every call against two municipalities: who may (anything but 401, 403 and 404: past authorization, a call answers
/// what forms and identity let it, and they do not run here, so 503 where it needs them), who is refused (403), and for whom
/// another municipality's units, deliveries and destinations do not exist (404). Deliveries are arranged in routing's
/// database (delivered to the inbox, offered to a pull destination): their way there needs forms and identity, which
/// the platform tests have.
/// </summary>
[Collection(RoutingServiceCollection.Name)]
public sealed class AccessMatrixTests(RoutingServiceFixture fixture) : IDisposable
{
    private const int Allowed = 0;
    private readonly string _a = Guid.NewGuid().ToString();
    private readonly string _b = Guid.NewGuid().ToString();
    private readonly HttpClient _http = new() { BaseAddress = new Uri(fixture.HttpUrl), Timeout = TimeSpan.FromSeconds(60) };

    public void Dispose() => _http.Dispose();

    private async Task<(string PullDestination, Guid Inbox, Guid Pulled)> ArrangeAsync()
    {
        using var directory = new DirectoryApi(fixture.HttpUrl, _a, fixture.Staff(_a, "tenant-admin"));
        var unit = await directory.PutOkAsync("amt", DirectoryApi.Unit("Amt", [DirectoryApi.ParkingPermit, DirectoryApi.Registration], ["08221"],
            new { channel = "pull", leikaKeys = new[] { DirectoryApi.ParkingPermit } }, new { channel = "inbox" }));
        var pull = unit.GetProperty("destinations")[0].GetProperty("destinationId").GetString()!;
        var inbox = unit.GetProperty("destinations")[1].GetProperty("destinationId").GetString()!;
        await using var database = NpgsqlDataSource.Create(fixture.DatabaseConnectionString);
        var (inboxSubmission, pulledSubmission) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        foreach (var (submission, state, destination, channel, leika) in new[]
                 {
                     (inboxSubmission, "delivered", inbox, "inbox", DirectoryApi.Registration), (pulledSubmission, "offered", pull, "pull", DirectoryApi.ParkingPermit),
                 })
        {
            await using var insert = database.CreateCommand(
                """
                insert into deliveries (delivery_id, submission_id, tenant_id, reference, service_id, leika_key, fee_cents, state, unit_id, destination_id, channel, attempts, created_at, updated_at)
                values ($1, $2, $3, 'HD-2026-000001', 'service', $4, 0, $5, 'amt', $6, $7, 1, now(), now())
                """);
            insert.Parameters.AddWithValue(Guid.CreateVersion7());
            insert.Parameters.AddWithValue(submission);
            insert.Parameters.AddWithValue(Guid.Parse(_a));
            insert.Parameters.AddWithValue(leika);
            insert.Parameters.AddWithValue(state);
            insert.Parameters.AddWithValue(Guid.Parse(destination));
            insert.Parameters.AddWithValue(channel);
            await insert.ExecuteNonQueryAsync();
        }

        return (pull, inboxSubmission, pulledSubmission);
    }

    private async Task<string> DeliveryIdAsync(Guid submissionId)
    {
        var (_, delivery) = await _http.SendAsync(HttpMethod.Get, $"/api/routing/v1/submissions/{submissionId}/delivery", fixture.Staff(_a, "caseworker"));
        return delivery.GetProperty("deliveryId").GetString()!;
    }

    private sealed record Call(string Name, HttpMethod Method, string Path, object? Body, Dictionary<string, int> Expected);

    [Fact]
    public async Task Each_caller_gets_what_their_role_and_municipality_allow_and_nothing_else()
    {
        var (pull, inboxSubmission, pulledSubmission) = await ArrangeAsync();
        var inboxDelivery = await DeliveryIdAsync(inboxSubmission);
        var pulledDelivery = await DeliveryIdAsync(pulledSubmission);
        var callers = new Dictionary<string, string?>
        {
            ["anonymous"] = null, ["citizen"] = fixture.Citizen, ["operator"] = fixture.Operator,
            ["caseworker A"] = fixture.Staff(_a, "caseworker"), ["admin A"] = fixture.Staff(_a, "tenant-admin"),
            ["admin A without second factor"] = fixture.Issuer.Issue(TestIssuer.Person("weak-admin", _a, "tenant-admin", acr: "low")),
            ["admin B"] = fixture.Staff(_b, "tenant-admin"), ["client B"] = fixture.Machine(_b), ["client A"] = fixture.Machine(_a),
        };
        var unit = DirectoryApi.Unit("Landesamt", [DirectoryApi.ParkingPermit], ["08"], new { channel = "inbox" });
        var decision = new { outcome = "approved", message = "Genehmigt." };
        static Dictionary<string, int> Expect(int a, int b, int client, int op, int caseworker = -1, int admin = -1) => new()
        {
            ["caseworker A"] = caseworker == -1 ? a : caseworker, ["admin A"] = admin == -1 ? a : admin, ["client A"] = client, ["admin B"] = b, ["client B"] = b, ["operator"] = op,
        };
        var calls = new List<Call>
        {
            new("list units", HttpMethod.Get, $"/api/routing/v1/tenants/{_a}/units", null, Expect(Allowed, 403, Allowed, Allowed)),
            new("get unit", HttpMethod.Get, $"/api/routing/v1/tenants/{_a}/units/amt", null, Expect(Allowed, 403, Allowed, Allowed)),
            new("changes", HttpMethod.Get, $"/api/routing/v1/tenants/{_a}/changes", null, Expect(Allowed, 403, Allowed, Allowed)),
            new("lookup", HttpMethod.Get, $"/api/routing/v1/tenants/{_a}/responsibility?leikaKey={DirectoryApi.ParkingPermit}&ars=082210000000", null, Expect(Allowed, 403, Allowed, Allowed)),
            new("put unit", HttpMethod.Put, $"/api/routing/v1/tenants/{_a}/units/landesamt", unit, Expect(Allowed, 403, 403, Allowed, caseworker: 403)),
            new("delete missing unit", HttpMethod.Delete, $"/api/routing/v1/tenants/{_a}/units/kein-amt", null, Expect(404, 403, 403, 404, caseworker: 403)),
            new("import", HttpMethod.Post, $"/api/routing/v1/tenants/{_a}/units:import", new { format = "csv", content = "" }, Expect(400, 403, 403, 400, caseworker: 403)),
            new("submission delivery", HttpMethod.Get, $"/api/routing/v1/submissions/{inboxSubmission}/delivery", null, Expect(Allowed, 404, Allowed, Allowed)),
            new("deliveries", HttpMethod.Get, $"/api/routing/v1/tenants/{_a}/deliveries", null, Expect(Allowed, 403, Allowed, Allowed)),
            new("attempts", HttpMethod.Get, $"/api/routing/v1/deliveries/{inboxDelivery}/attempts", null, Expect(Allowed, 404, Allowed, Allowed)),
            new("redrive delivered", HttpMethod.Post, $"/api/routing/v1/deliveries/{inboxDelivery}:redrive", new { }, Expect(400, 404, 403, 400, caseworker: 403)),
            new("pending of destination", HttpMethod.Get, $"/api/routing/v1/destinations/{pull}/pending", null, Expect(403, 404, Allowed, 403)),
            new("fetch pulled", HttpMethod.Get, $"/api/routing/v1/deliveries/{pulledDelivery}/content", null, Expect(Allowed, 404, Allowed, 403)),
            new("fetch inbox", HttpMethod.Get, $"/api/routing/v1/deliveries/{inboxDelivery}/content", null, Expect(Allowed, 404, 404, 403)),
            new("attachment", HttpMethod.Get, $"/api/routing/v1/deliveries/{pulledDelivery}/attachments/{Guid.NewGuid()}", null, Expect(Allowed, 404, Allowed, 403)),
            new("inbox", HttpMethod.Get, $"/api/routing/v1/tenants/{_a}/inbox", null, Expect(Allowed, 403, 403, 403)),
            new("decide", HttpMethod.Post, $"/api/routing/v1/submissions/{inboxSubmission}/decision", decision, Expect(Allowed, 404, Allowed, 403)),
            new("acknowledge", HttpMethod.Post, $"/api/routing/v1/deliveries/{pulledDelivery}:acknowledge", new { receiptId = "AZ-1" }, Expect(403, 404, Allowed, 403)),
        };
        var wrong = new List<string>();
        foreach (var call in calls)
        {
            foreach (var (caller, token) in callers)
            {
                var expected = caller switch
                {
                    "anonymous" => 401,
                    "citizen" => 403,
                    "admin B" when call.Expected["admin A"] == 403 => 403,
                    "client B" when call.Expected["client A"] == 403 => 403,
                    "admin A without second factor" => call.Expected["admin A"] == Allowed && call.Expected["caseworker A"] == 403 ? 403 : call.Expected["admin A"],
                    _ => call.Expected[caller],
                };
                if (caller == "admin A without second factor" && call.Name is "redrive delivered" or "import" or "delete missing unit")
                {
                    expected = 403;
                }

                using var request = new HttpRequestMessage(call.Method, call.Path)
                {
                    Content = call.Body is null ? null : System.Net.Http.Json.JsonContent.Create(call.Body),
                };
                request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
                if (token is not null)
                {
                    request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
                }

                using var response = await _http.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                var code = (int)response.StatusCode;
                if (code >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                {
                    wrong.Add($"{call.Name} as {caller}: {code} is not a problem document: {body}");
                }

                var matches = expected == Allowed ? code is not (401 or 403 or 404) and < 500 || code == 503 : code == expected;
                if (!matches)
                {
                    wrong.Add($"{call.Name} as {caller}: {code}, expected {(expected == Allowed ? "allowed" : expected)} {body}");
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }
}
