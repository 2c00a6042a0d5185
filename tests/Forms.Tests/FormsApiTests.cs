using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EfaPlatform.AppHost;
using EfaPlatform.Contracts.Forms.V1;
using EfaPlatform.TestInfrastructure;
using Grpc.Net.Client;

namespace EfaPlatform.Forms.Tests;

/// <summary>The forms API as a front end uses it, through the gateway of a platform started by the AppHost.</summary>
public sealed partial class FormsApiTests(PlatformFixture fixture) : IClassFixture<PlatformFixture>, IDisposable
{
    private readonly PlatformProcess _platform = fixture.Platform;
    private readonly HttpClient _http = new() { BaseAddress = new Uri(fixture.GatewayUrl), Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task The_catalog_lists_the_published_services_in_the_asked_language()
    {
        var catalog = await _http.GetFromJsonAsync<JsonElement>("/api/forms/v1/services?language=en");
        var parking = catalog.GetProperty("services").EnumerateArray().Single(s => s.GetProperty("serviceId").GetString() == "bewohnerparkausweis");

        Assert.Equal("Apply for a residential parking permit", parking.GetProperty("title").GetString());
        Assert.Equal("substantial", parking.GetProperty("minimumTrustLevel").GetString());
        Assert.Equal(3060, parking.GetProperty("feeAmountCents").GetInt64());
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/api/forms/v1/services/unbekannt")).StatusCode);
    }

    [Theory]
    [InlineData("/api/forms/v1/services?language=de")]
    [InlineData("/api/forms/v1/tenants/" + DevelopmentTenant.Id + "/services?language=de")]
    public async Task The_catalog_and_a_municipalitys_offer_come_in_pages_that_add_up_to_the_whole_list(string list)
    {
        var whole = (await _http.GetFromJsonAsync<JsonElement>($"{list}&pageSize=100")).GetProperty("services").EnumerateArray()
            .Select(s => s.GetProperty("serviceId").GetString()!).ToList();
        var paged = new List<string>();
        var token = "";
        for (var page = 0; page < 50; page++)
        {
            var answer = await _http.GetFromJsonAsync<JsonElement>($"{list}&pageSize=2&pageToken={token}");
            var services = answer.GetProperty("services").EnumerateArray().Select(s => s.GetProperty("serviceId").GetString()!).ToList();
            Assert.InRange(services.Count, 1, 2);
            paged.AddRange(services);
            token = answer.TryGetProperty("nextPageToken", out var next) ? next.GetString() ?? "" : "";
            if (token.Length == 0)
            {
                break;
            }
        }

        Assert.True(whole.Count >= 3, string.Join(", ", whole));
        Assert.Equal(whole, paged);
        using var tooLarge = await _http.GetAsync($"{list}&pageSize=101");
        Assert.Equal(HttpStatusCode.BadRequest, tooLarge.StatusCode);
        Assert.True((await tooLarge.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("pageSize", out _));
    }

    [Fact]
    public async Task The_catalog_comes_with_an_ETag_a_repeat_gets_304_and_large_answers_travel_compressed()
    {
        using var first = await _http.GetAsync("/api/forms/v1/services?language=de");
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        Assert.Contains("max-age", first.Headers.CacheControl?.ToString(), StringComparison.Ordinal);

        using var repeat = new HttpRequestMessage(HttpMethod.Get, "/api/forms/v1/services?language=de");
        repeat.Headers.IfNoneMatch.Add(etag);
        using var notModified = await _http.SendAsync(repeat);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());

        using var compressed = new HttpRequestMessage(HttpMethod.Get, "/api/forms/v1/services?language=de");
        compressed.Headers.AcceptEncoding.ParseAdd("gzip");
        using var zipped = await _http.SendAsync(compressed);
        Assert.Equal(["gzip"], zipped.Content.Headers.ContentEncoding);
        var size = (await zipped.Content.ReadAsByteArrayAsync()).Length;
        Assert.True(size < (await first.Content.ReadAsByteArrayAsync()).Length / 2, $"{size} bytes compressed");
    }

    [Fact]
    public async Task A_gRPC_client_learns_the_services_from_the_gateway_by_reflection_alone_and_calls_one()
    {
        using var channel = GrpcChannel.ForAddress(fixture.GatewayGrpcUrl);
        using var reflection = new Grpc.Reflection.V1.ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo();
        async Task<Grpc.Reflection.V1.ServerReflectionResponse> AskAsync(Grpc.Reflection.V1.ServerReflectionRequest question)
        {
            await reflection.RequestStream.WriteAsync(question);
            Assert.True(await reflection.ResponseStream.MoveNext(CancellationToken.None));
            return reflection.ResponseStream.Current;
        }

        var listed = (await AskAsync(new() { ListServices = "" })).ListServicesResponse.Service.Select(s => s.Name).ToList();
        var files = (await AskAsync(new() { FileContainingSymbol = "efa.forms.v1.DefinitionsService" })).FileDescriptorResponse.FileDescriptorProto
            .Select(Google.Protobuf.Reflection.FileDescriptorProto.Parser.ParseFrom).ToList();
        await reflection.RequestStream.CompleteAsync();

        Assert.Contains("efa.forms.v1.SubmissionsService", listed);
        Assert.Contains("efa.identity.v1.TenantsService", listed);
        Assert.Contains("grpc.health.v1.Health", listed);
        // Everything below comes from what reflection told: the method, its message types, the field to count.
        var file = files.Single(f => f.Service.Any(s => s.Name == "DefinitionsService"));
        var method = file.Service.Single(s => s.Name == "DefinitionsService").Method.Single(m => m.Name == "ListServiceDefinitions");
        var output = file.MessageType.Single(m => $".{file.Package}.{m.Name}" == method.OutputType);
        var servicesField = output.Field.Single(f => f.Name == "services").Number;
        var bytes = Grpc.Core.Marshallers.Create(b => b, b => b);
        var call = new Grpc.Core.Method<byte[], byte[]>(Grpc.Core.MethodType.Unary, "efa.forms.v1.DefinitionsService", method.Name, bytes, bytes);
        var answer = await channel.CreateCallInvoker().AsyncUnaryCall(call, null, new Grpc.Core.CallOptions(deadline: DateTime.UtcNow.AddSeconds(30)), []);

        var services = 0;
        var input = new Google.Protobuf.CodedInputStream(answer);
        for (var tag = input.ReadTag(); tag != 0; tag = input.ReadTag())
        {
            services += Google.Protobuf.WireFormat.GetTagFieldNumber(tag) == servicesField ? 1 : 0;
            input.SkipLastField();
        }

        Assert.True(services >= 3, $"{services} services listed");
    }

    [Fact]
    public async Task Answers_are_checked_with_every_error_at_once_over_REST_and_gRPC()
    {
        var answers = new
        {
            address = new { street = "Hauptstraße", houseNumber = "12", postalCode = "6911", city = "Heidelberg" },
            licensePlate = "HD AB 123",
            vehicleKind = "pkw",
            isHolder = false,
            years = 3,
            validFrom = "2020-01-01",
            registrationCertificate = "01a20617-89fd-7fd4-97d1-f538613d32b4",
        };

        using var response = await _http.PostAsJsonAsync("/api/forms/v1/services/bewohnerparkausweis/validate", new { answers, language = "fr" });
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(result.GetProperty("valid").GetBoolean());
        var errors = result.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("path").GetString(), e.GetProperty("code").GetString())).ToList();
        Assert.Equal(
            [("address.postalCode", "postalCode"), ("licensePlate", "pattern"), ("useBasis", "required"), ("years", "max"), ("validFrom", "dateInPast"), ("usePermission", "required")],
            errors);
        Assert.Contains(result.GetProperty("errors").EnumerateArray(), e => e.GetProperty("message").GetString() == "Veuillez saisir la plaque comme HD-AB 123.");

        using var channel = GrpcChannel.ForAddress(await _platform.EndpointAsync("gateway", "grpc"));
        var request = new ValidateAnswersRequest
        {
            ServiceId = "bewohnerparkausweis", Mode = "draft", FieldPath = "licensePlate",
            Answers = Google.Protobuf.WellKnownTypes.Struct.Parser.ParseJson(JsonSerializer.Serialize(answers)),
        };
        var grpc = await new DefinitionsService.DefinitionsServiceClient(channel).ValidateAnswersAsync(request, deadline: DateTime.UtcNow.AddSeconds(30));
        Assert.Equal("Bitte geben Sie das Kennzeichen wie HD-AB 123 an.", Assert.Single(grpc.Errors).Message);
    }

    [Fact]
    public async Task A_citizen_signed_in_with_the_eID_submits_through_the_gateway_and_the_municipality_sees_it()
    {
        var gateway = await _platform.EndpointAsync("gateway", "http");
        using var eid = new OidcClient(gateway);
        var (signedIn, tokens) = await eid.SignInWithDevelopmentEidAsync("dev-max-mustermann");
        Assert.Equal(HttpStatusCode.OK, signedIn);
        var citizen = tokens.GetProperty("access_token").GetString();
        var key = Guid.NewGuid().ToString();
        var request = new { tenantId = DevelopmentTenant.Id, serviceId = "fuehrungszeugnis", answers = SampleAnswers.PrivateCertificate("Ehrenamt im Sportverein"), language = "de" };

        var (status, submission) = await _http.SendAsync(HttpMethod.Post, "/api/forms/v1/submissions", citizen, request, key);
        var (_, repeated) = await _http.SendAsync(HttpMethod.Post, "/api/forms/v1/submissions", citizen, request, key);

        Assert.Equal(HttpStatusCode.OK, status);
        var id = submission.GetProperty("submissionId").GetString()!;
        Assert.Matches($"^HD-{DateTime.UtcNow.Year}-[0-9]{{6}}$", submission.GetProperty("reference").GetString());
        Assert.Equal(id, repeated.GetProperty("submissionId").GetString());
        var kafka = (await _platform.EndpointAsync("kafka", "broker-1"))["kafka://".Length..];
        var events = await KafkaProbe.EventsWithKeyAsync(kafka, "efa.forms", id, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(60));
        Assert.Equal("de.efa.forms.submission.submitted.v1", Assert.Single(events).Type);

        // The development tenant's caseworker finds it; a citizen signed in with a password only (trust level low) may not submit.
        using var staff = new OidcClient(gateway);
        var (_, staffTokens) = await staff.SignInAsync("sachbearbeitung@heidelberg.example", _platform.Secret("identity-seed-password"));
        var (_, listed) = await _http.SendAsync(HttpMethod.Get, $"/api/forms/v1/tenants/{DevelopmentTenant.Id}/submissions?serviceId=fuehrungszeugnis", staffTokens.GetProperty("access_token").GetString());
        Assert.Contains(listed.GetProperty("submissions").EnumerateArray(), s => s.GetProperty("submissionId").GetString() == id);

        using var password = new OidcClient(gateway);
        var (_, lowTokens) = await password.SignInAsync("erika@buerger.example", _platform.Secret("identity-seed-password"));
        var (refused, problem) = await _http.SendAsync(HttpMethod.Post, "/api/forms/v1/submissions", lowTokens.GetProperty("access_token").GetString(), request, Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.Forbidden, refused);
        Assert.Contains("trust level high", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_gRPC_client_submits_through_the_gateway_and_gets_field_violations_with_codes()
    {
        using var eid = new OidcClient(fixture.GatewayUrl);
        var citizen = (await eid.SignInWithDevelopmentEidAsync("dev-erika-mustermann")).Body.GetProperty("access_token").GetString();
        using var channel = GrpcChannel.ForAddress(fixture.GatewayGrpcUrl);
        var client = new SubmissionsService.SubmissionsServiceClient(channel);
        var headers = new Grpc.Core.Metadata { { "authorization", $"Bearer {citizen}" }, { "idempotency-key", Guid.NewGuid().ToString() } };
        var request = new SubmitFormRequest
        {
            TenantId = DevelopmentTenant.Id, ServiceId = "fuehrungszeugnis", Language = "fr",
            Answers = Google.Protobuf.WellKnownTypes.Struct.Parser.ParseJson(JsonSerializer.Serialize(SampleAnswers.PrivateCertificate())),
        };

        var submitted = await client.SubmitFormAsync(request, headers, DateTime.UtcNow.AddSeconds(30));
        Assert.Equal("payment_pending", submitted.Status);
        Assert.Equal("Demander un certificat de bonne conduite", submitted.Title);

        request.Answers.Fields["deliveryAddress"].StructValue.Fields["postalCode"] = Google.Protobuf.WellKnownTypes.Value.ForString("6911");
        headers[1] = new Grpc.Core.Metadata.Entry("idempotency-key", Guid.NewGuid().ToString());
        var refused = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => client.SubmitFormAsync(request, headers, DateTime.UtcNow.AddSeconds(30)).ResponseAsync);
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, refused.StatusCode);
        var violation = Assert.Single(Grpc.Core.RpcExceptionExtensions.GetRpcStatus(refused)!.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations);
        Assert.Equal(("answers.deliveryAddress.postalCode", "postalCode"), (violation.Field, violation.Reason));
    }

    [Fact]
    public async Task A_submission_acknowledged_before_forms_is_killed_is_there_after_the_restart_and_announced_once()
    {
        using var eid = new OidcClient(fixture.GatewayUrl);
        var citizen = (await eid.SignInWithDevelopmentEidAsync("dev-erika-mustermann")).Body.GetProperty("access_token").GetString();
        var request = new { tenantId = DevelopmentTenant.Id, serviceId = "fuehrungszeugnis", answers = SampleAnswers.PrivateCertificate(), language = "de" };
        var (status, submission) = await _http.SendAsync(HttpMethod.Post, "/api/forms/v1/submissions", citizen, request, Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.OK, status);

        await _platform.KillAndAwaitRestartAsync("forms");

        var id = submission.GetProperty("submissionId").GetString()!;
        var (read, after) = await _http.SendAsync(HttpMethod.Get, $"/api/forms/v1/submissions/{id}", citizen);
        Assert.Equal(HttpStatusCode.OK, read);
        Assert.Equal(submission.GetProperty("reference").GetString(), after.GetProperty("reference").GetString());
        var kafka = (await _platform.EndpointAsync("kafka", "broker-1"))["kafka://".Length..];
        var events = await KafkaProbe.EventsWithKeyAsync(kafka, "efa.forms", id, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(60));
        // A relay killed between Kafka's ack and its commit sends the event again; it keeps its id, so consumers see it once.
        Assert.Single(events.Select(e => e.Id).Distinct());
    }

    [Fact]
    public async Task The_REST_API_is_described_by_an_OpenAPI_document_whose_paths_answer()
    {
        var document = await _http.GetFromJsonAsync<JsonElement>("/api/forms/openapi.json");

        Assert.Equal("3.1.0", document.GetProperty("openapi").GetString());
        var submit = document.GetProperty("paths").GetProperty("/api/forms/v1/submissions").GetProperty("post");
        Assert.Equal("Needs one of the roles: citizen, organisation.", submit.GetProperty("description").GetString());
        Assert.Contains(submit.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "Idempotency-Key");
        Assert.Equal("#/components/schemas/efa.forms.v1.SubmitFormRequest",
            submit.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        var submission = document.GetProperty("components").GetProperty("schemas").GetProperty("efa.forms.v1.Submission").GetProperty("properties");
        Assert.Equal("#/components/schemas/efa.forms.v1.StatusChange", submission.GetProperty("history").GetProperty("items").GetProperty("$ref").GetString());
        Assert.Equal("date-time", submission.GetProperty("submittedAt").GetProperty("format").GetString());
        var list = document.GetProperty("paths").GetProperty("/api/forms/v1/tenants/{tenant_id}/submissions").GetProperty("get");
        Assert.Equal(["tenant_id", "status", "serviceId", "submittedFrom", "submittedUntil", "pageSize", "pageToken", "language"],
            list.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()));

        // Every documented operation exists: without a token, public ones answer and the others refuse as unauthenticated.
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var url = path.Name.Replace("{tenant_id}", DevelopmentTenant.Id).Replace("{service_id}", "fuehrungszeugnis").Replace("{submission_id}", Guid.NewGuid().ToString());
                using var response = await _http.SendAsync(new HttpRequestMessage(new HttpMethod(operation.Name.ToUpperInvariant()), url)
                {
                    Content = operation.Name is "get" or "delete" ? null : JsonContent.Create(new { }),
                });
                var expected = operation.Value.GetProperty("security").GetArrayLength() == 0 ? HttpStatusCode.OK : HttpStatusCode.Unauthorized;
                Assert.True(response.StatusCode == expected, $"{operation.Name} {url}: {(int)response.StatusCode}, expected {(int)expected}");
            }
        }

        Assert.Equal(14, document.GetProperty("paths").EnumerateObject().Sum(path => path.Value.EnumerateObject().Count())); // every RPC of the four services
        var identity = await _http.GetFromJsonAsync<JsonElement>("/api/identity/openapi.json");
        Assert.True(identity.GetProperty("paths").TryGetProperty("/api/identity/v1/tenants", out _));
    }

    [Fact]
    public async Task The_development_municipality_offers_all_three_catalog_services()
    {
        var (_, offered) = await _http.SendAsync(HttpMethod.Get, $"/api/forms/v1/tenants/{DevelopmentTenant.Id}/services", token: null);

        Assert.Equal(["anmeldung-wohnung", "bewohnerparkausweis", "fuehrungszeugnis"], offered.GetProperty("services").EnumerateArray().Select(s => s.GetProperty("serviceId").GetString()));
        Assert.All(offered.GetProperty("services").EnumerateArray(), s => Assert.Equal("HD", s.GetProperty("referencePrefix").GetString()));
    }

    public void Dispose() => _http.Dispose();
}
