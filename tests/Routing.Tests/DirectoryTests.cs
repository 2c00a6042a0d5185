using System.Net;
using System.Text;
using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.Routing.Tests;

/// <summary>A municipality's tenant-admin keeps its authority directory: units, imports, lookups, the history of changes.</summary>
[Collection(RoutingServiceCollection.Name)]
public sealed class DirectoryTests(RoutingServiceFixture fixture) : IDisposable
{
    private static readonly string Tenant = Guid.NewGuid().ToString();
    private readonly DirectoryApi _directory = new(fixture.HttpUrl, Tenant, fixture.Staff(Tenant, "tenant-admin"));

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task The_most_specific_area_answers_and_every_change_is_seen_by_the_next_lookup()
    {
        var nobody = await _directory.LookupAsync(DirectoryApi.ParkingPermit);
        Assert.False(nobody.GetProperty("responsible").GetBoolean());

        await _directory.PutOkAsync("land", DirectoryApi.Unit("Landesamt", [DirectoryApi.ParkingPermit], ["08"]));
        await _directory.PutOkAsync("kreis", DirectoryApi.Unit("Kreisverwaltung", [DirectoryApi.ParkingPermit], ["08221", "08222"]));
        Assert.Equal("kreis", (await _directory.LookupAsync(DirectoryApi.ParkingPermit)).GetProperty("unitId").GetString());
        Assert.Equal("land", (await _directory.LookupAsync(DirectoryApi.ParkingPermit, "083110000000")).GetProperty("unitId").GetString());
        Assert.False((await _directory.LookupAsync(DirectoryApi.ParkingPermit, "091620000000")).GetProperty("responsible").GetBoolean());
        Assert.False((await _directory.LookupAsync(DirectoryApi.Registration)).GetProperty("responsible").GetBoolean());

        // Cached now; a municipality-level unit takes over at once, and its removal hands back to the district.
        var city = await _directory.PutOkAsync("stadt", DirectoryApi.Unit("Bürgeramt", [DirectoryApi.ParkingPermit, DirectoryApi.Registration], [DirectoryApi.Heidelberg]));
        var answer = await _directory.LookupAsync(DirectoryApi.ParkingPermit);
        Assert.Equal(("stadt", DirectoryApi.Heidelberg, "inbox"), (answer.GetProperty("unitId").GetString(), answer.GetProperty("matchedArea").GetString(), answer.GetProperty("channel").GetString()));
        Assert.Equal(city.GetProperty("version").GetInt64(), answer.GetProperty("directoryVersion").GetInt64());
        var (deleted, change) = await _directory.Http.SendAsync(HttpMethod.Delete, $"/api/routing/v1/tenants/{Tenant}/units/stadt", fixture.Staff(Tenant, "tenant-admin"));
        Assert.Equal(HttpStatusCode.OK, deleted);
        Assert.Equal("deleted", change.GetProperty("summary").GetString());
        Assert.Equal("kreis", (await _directory.LookupAsync(DirectoryApi.ParkingPermit)).GetProperty("unitId").GetString());

        // Who, when, what: newest first.
        var (_, history) = await _directory.Http.SendAsync(HttpMethod.Get, $"/api/routing/v1/tenants/{Tenant}/changes", fixture.Staff(Tenant, "tenant-admin"));
        var changes = history.GetProperty("changes").EnumerateArray().Select(c => (c.GetProperty("kind").GetString(), c.GetProperty("unitId").GetString(), c.GetProperty("summary").GetString())).ToList();
        Assert.Equal([("delete", "stadt", "deleted"), ("put", "stadt", "created"), ("put", "kreis", "created"), ("put", "land", "created")], changes);
        Assert.All(history.GetProperty("changes").EnumerateArray(), c => Assert.Equal($"staff-tenant-admin-{Tenant}", c.GetProperty("changedBy").GetString()));
    }

    [Fact]
    public async Task Two_units_for_one_key_in_one_area_are_refused_naming_the_other_and_a_stale_version_is_refused()
    {
        var tenant = Guid.NewGuid().ToString();
        using var directory = new DirectoryApi(fixture.HttpUrl, tenant, fixture.Staff(tenant, "tenant-admin"));
        var first = await directory.PutOkAsync("amt-a", DirectoryApi.Unit("Amt A", [DirectoryApi.ParkingPermit], ["08221"]));

        var (status, problem) = await directory.PutAsync("amt-b", DirectoryApi.Unit("Amt B", [DirectoryApi.Registration, DirectoryApi.ParkingPermit], ["08", "08221"]));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["unit.areas[1]: unit amt-a already covers LeiKa key 99108008016000 in area 08221"], DirectoryApi.Violations(problem));
        Assert.Single((await directory.UnitsAsync()).GetProperty("units").EnumerateArray());

        var changed = await directory.PutOkAsync("amt-a", DirectoryApi.Unit("Amt A (neu)", [DirectoryApi.ParkingPermit], ["08221"]));
        var (stale, refusal) = await directory.PutAsync("amt-a", DirectoryApi.Unit("Amt A (alt)", [DirectoryApi.ParkingPermit], ["08221"]), expectedVersion: first.GetProperty("version").GetInt64());
        Assert.Equal(HttpStatusCode.BadRequest, stale);
        Assert.Contains("changed since version", refusal.GetProperty("detail").GetString());
        Assert.Equal("Amt A (neu)", (await directory.UnitsAsync()).GetProperty("units")[0].GetProperty("name").GetString());
        Assert.True(changed.GetProperty("version").GetInt64() > first.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task A_callback_secret_is_never_read_back_and_is_kept_when_a_change_leaves_it_out()
    {
        var tenant = Guid.NewGuid().ToString();
        using var directory = new DirectoryApi(fixture.HttpUrl, tenant, fixture.Staff(tenant, "tenant-admin"));
        var created = await directory.PutOkAsync("fachverfahren", DirectoryApi.Unit("Amt", [DirectoryApi.ParkingPermit], ["08221"], DirectoryApi.Push("https://fachverfahren.example/eingang")));
        var destination = created.GetProperty("destinations")[0];
        Assert.Equal("", destination.GetProperty("callbackSecret").GetString());
        Assert.True(destination.GetProperty("hasCallbackSecret").GetBoolean());
        Assert.DoesNotContain("a-callback-secret", created.ToString());

        var kept = await directory.PutOkAsync("fachverfahren", DirectoryApi.Unit("Amt", [DirectoryApi.ParkingPermit], ["08221"],
            new { destinationId = destination.GetProperty("destinationId").GetString(), channel = "push", pushUrl = "https://fachverfahren.example/neu" }));
        Assert.Equal(destination.GetProperty("destinationId").GetString(), kept.GetProperty("destinations")[0].GetProperty("destinationId").GetString());
        Assert.True(kept.GetProperty("destinations")[0].GetProperty("hasCallbackSecret").GetBoolean());

        var (status, problem) = await directory.PutAsync("neu", DirectoryApi.Unit("Neu", [DirectoryApi.Registration], ["08221"], new { channel = "push", pushUrl = "http://fachverfahren.example/eingang" }));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(
            ["unit.destinations[0].pushUrl: must be an absolute https URL (or http to a loopback address), at most 2000 characters",
             "unit.destinations[0].callbackSecret: is required for a push destination, 32 to 256 characters"],
            DirectoryApi.Violations(problem));
    }

    [Fact]
    public async Task A_json_import_lists_every_problem_with_its_line_and_field_and_imports_nothing()
    {
        var tenant = Guid.NewGuid().ToString();
        using var directory = new DirectoryApi(fixture.HttpUrl, tenant, fixture.Staff(tenant, "tenant-admin"));
        await directory.PutOkAsync("bestand", DirectoryApi.Unit("Bestand", [DirectoryApi.ParkingPermit], ["08221"]));
        var file = """
            {
              "units": [
                { "unitId": "buergeramt", "name": "Bürgeramt", "leikaKeys": ["99115005001000"], "areas": ["08221"],
                  "destinations": [{ "channel": "inbox" }] },
                { "unitId": "buergeramt", "name": "Noch eins", "leikaKeys": ["99115005001000"], "areas": ["08221"],
                  "destinations": [{ "channel": "inbox" }] },
                { "unitId": "Verkehr!", "name": "", "leikaKeys": ["9910800801600", 7], "areas": ["17", "0822"],
                  "destinations": [{ "channel": "fax" }] },
                { "unitId": "kreis", "name": "Kreis", "leikaKeys": ["99115005001000"], "areas": ["08221"],
                  "destinations": [{ "channel": "pull" }] }
              ]
            }
            """;

        var (status, problem) = await directory.ImportAsync("json", file);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(
        [
            "line 5: unitId: buergeramt is already defined at line 3",
            "line 7: leikaKeys: must be an array of strings",
            "line 7: leikaKeys: must have 1 to 500 entries",
            "line 7: unitId: must be 1 to 64 characters of a-z, 0-9 and \"-\", starting with a letter or digit",
            "line 7: name: is required, at most 200 characters",
            "line 7: areas[0]: must be an ARS prefix: 2 digits (Land 01-16), 5 (district), 9 (Gemeindeverband) or 12 (municipality)",
            "line 7: areas[1]: must be an ARS prefix: 2 digits (Land 01-16), 5 (district), 9 (Gemeindeverband) or 12 (municipality)",
            "line 7: destinations[0].channel: must be push, pull or inbox",
            "line 9: areas: unit buergeramt already covers LeiKa key 99115005001000 in area 08221",
        ], DirectoryApi.Violations(problem));
        Assert.Equal(["bestand"], (await directory.UnitsAsync()).GetProperty("units").EnumerateArray().Select(u => u.GetProperty("unitId").GetString()));

        var (broken, parseProblem) = await directory.ImportAsync("json", "{\n  \"units\": [\n    { \"unitId\": \"a\", }\n  ]\n}");
        Assert.Equal(HttpStatusCode.BadRequest, broken);
        Assert.StartsWith("line 3: content: is not valid JSON", Assert.Single(DirectoryApi.Violations(parseProblem)));
    }

    [Fact]
    public async Task A_csv_import_in_the_wrong_encoding_or_with_bad_rows_is_refused_and_a_good_one_replaces_the_directory()
    {
        var tenant = Guid.NewGuid().ToString();
        using var directory = new DirectoryApi(fixture.HttpUrl, tenant, fixture.Staff(tenant, "tenant-admin"));
        await directory.PutOkAsync("bestand", DirectoryApi.Unit("Bestand", [DirectoryApi.ParkingPermit], ["08221"]));
        const string header = "unitId;name;leikaKeys;areas;email;phone;address;channel;pushUrl;callbackSecret;encryptionKey;destinationLeikaKeys\n";

        // Saved as Latin-1 by a spreadsheet: "Bürgeramt" arrives with an undecodable byte.
        var latin1 = Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(header + "buergeramt;Bürgeramt;99115005001000;08221;;;;inbox;;;;\n"));
        var (wrongEncoding, encodingProblem) = await directory.ImportAsync("csv", latin1);
        Assert.Equal(HttpStatusCode.BadRequest, wrongEncoding);
        Assert.Equal(["line 2: content: is not UTF-8 text (an undecodable byte was found); save the file as UTF-8"], DirectoryApi.Violations(encodingProblem));

        var (bad, problem) = await directory.ImportAsync("csv", header
            + "buergeramt;Bürgeramt;99115005001000;08221;keine-adresse;;;inbox;;;;\n"
            + "verkehr;Verkehr;99108008016000 1234;08221;;;;push;https://fv.example/in;kurz;;\n");
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.Equal(
        [
            "line 2: contact.email: must be an e-mail address",
            "line 3: leikaKeys[1]: must be a LeiKa key of 14 digits",
            "line 3: destinations[0].callbackSecret: is required for a push destination, 32 to 256 characters",
        ], DirectoryApi.Violations(problem));

        var (unknownColumn, columnProblem) = await directory.ImportAsync("csv", "unitId;name;leikaKeys;areas;email;phone;address;channel;fax\n");
        Assert.Equal(HttpStatusCode.BadRequest, unknownColumn);
        Assert.Contains("line 1: fax: unknown column; the columns are unitId;name;leikaKeys;areas;email;phone;address;channel;pushUrl;callbackSecret;encryptionKey;destinationLeikaKeys",
            DirectoryApi.Violations(columnProblem));

        var (imported, result) = await directory.ImportAsync("csv", header
            + "buergeramt;Bürgeramt;99115005001000 99108008016000;08221;buergeramt@stadt.example;+49 6221 58-0;\"Marktplatz 10; 69117 Heidelberg\";inbox;;;;99115005001000\n"
            + "buergeramt;;;;;;;pull;;;;99108008016000\n"
            + "land,Landesamt,x\n".Replace(',', ';') + ";;;;inbox;;;;\n");
        Assert.Equal(HttpStatusCode.BadRequest, imported);
        Assert.Contains("line 4: leikaKeys[0]: must be a LeiKa key of 14 digits", DirectoryApi.Violations(result));

        (imported, result) = await directory.ImportAsync("csv", header
            + "buergeramt;Bürgeramt;99115005001000 99108008016000;08221;buergeramt@stadt.example;+49 6221 58-0;\"Marktplatz 10; 69117 Heidelberg\";inbox;;;;99115005001000\n"
            + "buergeramt;;;;;;;pull;;;;99108008016000\n");
        Assert.True(imported == HttpStatusCode.OK, result.ToString());
        Assert.Equal(1, result.GetProperty("units").GetInt32());
        var unit = Assert.Single((await directory.UnitsAsync()).GetProperty("units").EnumerateArray());
        Assert.Equal("Marktplatz 10; 69117 Heidelberg", unit.GetProperty("contact").GetProperty("address").GetString());
        Assert.Equal(["inbox", "pull"], unit.GetProperty("destinations").EnumerateArray().Select(d => d.GetProperty("channel").GetString()));
        Assert.Equal("pull", (await directory.LookupAsync(DirectoryApi.ParkingPermit)).GetProperty("channel").GetString());
        Assert.Equal("inbox", (await directory.LookupAsync(DirectoryApi.Registration)).GetProperty("channel").GetString());
    }

    [Fact]
    public async Task Hostile_input_gets_a_problem_document_and_changes_nothing()
    {
        var tenant = Guid.NewGuid().ToString();
        using var directory = new DirectoryApi(fixture.HttpUrl, tenant, fixture.Staff(tenant, "tenant-admin"));
        foreach (var body in new object[]
                 {
                     DirectoryApi.Unit("Amt\0mit NUL", [DirectoryApi.ParkingPermit], ["08221"]),
                     new { name = 12, leikaKeys = "99108008016000", areas = new { x = 1 } },
                     DirectoryApi.Unit(new string('x', 201), [DirectoryApi.ParkingPermit], ["08221"]),
                     DirectoryApi.Unit("Amt", [.. Enumerable.Range(0, 501).Select(i => $"99{i:D12}")], ["08221"]),
                     DirectoryApi.Unit("Amt", [DirectoryApi.ParkingPermit], ["08221"], new { channel = "push", pushUrl = "https://user:pw@fv.example/", callbackSecret = new string('s', 40) }),
                     DirectoryApi.Unit("Amt", [DirectoryApi.ParkingPermit], ["08221"], new { channel = "inbox", encryptionKey = "{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"}" }),
                 })
        {
            var (status, problem) = await directory.PutAsync("amt", body);
            Assert.True(status == HttpStatusCode.BadRequest, $"{status}: {problem}");
            Assert.Equal(400, problem.GetProperty("status").GetInt32());
        }

        var (nested, _) = await directory.ImportAsync("json", new string('[', 5000) + new string(']', 5000));
        Assert.Equal(HttpStatusCode.BadRequest, nested);
        var (escaped, escapedProblem) = await directory.ImportAsync("json",
            """{"units":[{"unitId":"a","name":"Amt\u0000","leikaKeys":["99108008016000"],"areas":["08221"],"contact":{"address":"\ud800"},"destinations":[{"channel":"inbox"}]}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, escaped);
        Assert.Equal(["line 1: contact.address: must be valid text", "line 1: name: must not contain control characters or broken characters"],
            DirectoryApi.Violations(escapedProblem).Order());
        var (wide, wideProblem) = await directory.ImportAsync("csv",
            "unitId;name;leikaKeys;areas;email;phone;address;channel\namt;Amt;" + string.Join(' ', Enumerable.Range(0, 500).Select(i => $"99{i:D12}")) + ";"
            + string.Join(' ', Enumerable.Range(0, 500).Select(i => $"08{i:D3}"[..5])) + ";;;;inbox\n" + "x;\"never closed\n" + new string('y', 2_000_000));
        Assert.Equal(HttpStatusCode.BadRequest, wide);
        Assert.NotEmpty(DirectoryApi.Violations(wideProblem));
        var privateKey = System.Security.Cryptography.RSA.Create(2048).ExportParameters(true);
        var (leaked, leakProblem) = await directory.PutAsync("amt", DirectoryApi.Unit("Amt", [DirectoryApi.ParkingPermit], ["08221"], new
        {
            channel = "pull", encryptionKey = System.Text.Json.JsonSerializer.Serialize(new
            {
                kty = "RSA", n = Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(privateKey.Modulus!),
                e = Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(privateKey.Exponent!), d = Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(privateKey.D!),
            }),
        }));
        Assert.Equal(HttpStatusCode.BadRequest, leaked);
        Assert.StartsWith("unit.destinations[0].encryptionKey: must be the public key only", Assert.Single(DirectoryApi.Violations(leakProblem)));
        var (badId, _) = await directory.PutAsync("../etc", DirectoryApi.Unit("Amt", [DirectoryApi.ParkingPermit], ["08221"]));
        Assert.True(badId is HttpStatusCode.BadRequest or HttpStatusCode.NotFound);
        Assert.Empty((await directory.UnitsAsync()).GetProperty("units").EnumerateArray());
    }
}
