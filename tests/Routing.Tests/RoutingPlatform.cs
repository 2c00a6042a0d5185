using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using EfaPlatform.AppHost;
using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.Routing.Tests;

[CollectionDefinition(Name)]
public sealed class RoutingPlatformCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "routing through the whole platform";
}

/// <summary>The whole platform as its people use it for routing: citizens submitting and paying, staff and the specialist system deciding.</summary>
public sealed class RoutingPlatform(PlatformFixture fixture) : IDisposable
{
    public const string Registration = "anmeldung-wohnung";
    public const string ParkingPermit = "bewohnerparkausweis";
    public const string Certificate = "fuehrungszeugnis";
    public const string CertificateLeika = "99116004012000";

    public HttpClient Http { get; } = new() { BaseAddress = new Uri(fixture.GatewayUrl), Timeout = TimeSpan.FromSeconds(60) };

    public PlatformFixture Fixture => fixture;

    public async Task<string> CitizenAsync(string pseudonym = "dev-erika-mustermann")
    {
        using var oidc = fixture.Client();
        return (await oidc.SignInWithDevelopmentEidAsync(pseudonym)).Body.GetProperty("access_token").GetString()!;
    }

    public async Task<string> CaseworkerAsync()
    {
        using var staff = fixture.Client();
        return (await staff.SignInAsync("sachbearbeitung@heidelberg.example", fixture.SeedPassword)).Body.GetProperty("access_token").GetString()!;
    }

    public Task<string> TenantAdminAsync() => fixture.AdministratorTokenAsync("admin@heidelberg.example");

    /// <summary>The development municipality's specialist system (its seeded machine client).</summary>
    public async Task<string> SpecialistSystemAsync()
    {
        using var oidc = fixture.Client();
        var (status, body) = await oidc.ClientCredentialsAsync("heidelberg-fachverfahren", fixture.Platform.Secret("identity-seed-client"), "efa.routing efa.documents");
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body.GetProperty("access_token").GetString()!;
    }

    public static byte[] Pdf(int size)
    {
        var body = new byte[size];
        Random.Shared.NextBytes(body);
        "%PDF-1.7\n"u8.CopyTo(body);
        return body;
    }

    public async Task<string> UploadAsync(string token, byte[] content, string fileName)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/documents/v1/uploads?fileName={Uri.EscapeDataString(fileName)}")
        {
            Content = new ByteArrayContent(content) { Headers = { ContentType = new MediaTypeHeaderValue("application/pdf") } },
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await Http.SendAsync(request);
        var document = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.Created, document.ToString());
        return document.GetProperty("documentId").GetString()!;
    }

    /// <summary>Submits one of the catalog services with sample answers (and an uploaded attachment where it needs one); the submission id.</summary>
    public async Task<string> SubmitAsync(string citizen, string service, byte[]? attachment = null)
    {
        object answers = service switch
        {
            Registration => SampleAnswers.Registration(1, await UploadAsync(citizen, attachment ?? Pdf(20_000), "Wohnungsgeberbestätigung.pdf")),
            ParkingPermit => SampleAnswers.ParkingPermit(await UploadAsync(citizen, attachment ?? Pdf(20_000), "Zulassungsbescheinigung.pdf")),
            _ => SampleAnswers.PrivateCertificate(),
        };
        var (status, submission) = await Http.SendAsync(HttpMethod.Post, "/api/forms/v1/submissions", citizen,
            new { tenantId = DevelopmentTenant.Id, serviceId = service, answers, language = "de" }, Guid.NewGuid().ToString());
        Assert.True(status == HttpStatusCode.OK, submission.ToString());
        return submission.GetProperty("submissionId").GetString()!;
    }

    /// <summary>Pays the submission's fee with the test provider's card that succeeds (the provider page's own call).</summary>
    public async Task PayAsync(string citizen, string submissionId)
    {
        var payment = await Eventually.WaitAsync(async () =>
        {
            var (status, started) = await Http.SendAsync(HttpMethod.Post, $"/api/payment/v1/submissions/{submissionId}/payment:start", citizen,
                new { returnUrl = fixture.GatewayUrl + "/buergerportal" }, Guid.NewGuid().ToString());
            return status == HttpStatusCode.OK ? (JsonElement?)started : null;
        }, TimeSpan.FromSeconds(30), "the payment can be started");
        var nextUrl = payment!.Value.GetProperty("nextUrl").GetString()!;
        using var pay = await Http.PostAsJsonAsync(nextUrl + ":pay", new { cardNumber = "4242 4242 4242 4242" });
        Assert.True(pay.IsSuccessStatusCode, await pay.Content.ReadAsStringAsync());
    }

    public async Task<string> SubmitAndPayAsync(string service, byte[]? attachment = null)
    {
        var citizen = await CitizenAsync();
        var submissionId = await SubmitAsync(citizen, service, attachment);
        await PayAsync(citizen, submissionId);
        return submissionId;
    }

    public async Task<JsonElement> DeliveryAsync(string submissionId, string state, TimeSpan? timeout = null)
    {
        var staff = await CaseworkerAsync();
        return (await Eventually.WaitAsync(async () =>
        {
            var (status, delivery) = await Http.SendAsync(HttpMethod.Get, $"/api/routing/v1/submissions/{submissionId}/delivery", staff);
            return status == HttpStatusCode.OK && delivery.GetProperty("state").GetString() == state ? (JsonElement?)delivery : null;
        }, timeout ?? TimeSpan.FromSeconds(60), $"the delivery of {submissionId} is {state}"))!.Value;
    }

    public async Task SubmissionIsAsync(string citizen, string submissionId, string status) =>
        await Eventually.WaitAsync(async () =>
            (await Http.SendAsync(HttpMethod.Get, $"/api/forms/v1/submissions/{submissionId}", citizen)).Body.GetProperty("status").GetString() == status,
            TimeSpan.FromSeconds(60), $"the submission is {status}");

    /// <summary>Routing's events of a submission, read on for <paramref name="settle"/> (3 s unless given) after the first to catch a repeat.</summary>
    public async Task<IReadOnlyList<KafkaProbe.Seen>> RoutingEventsAsync(string submissionId, TimeSpan? settle = null) =>
        await KafkaProbe.EventsWithKeyAsync((await fixture.Platform.EndpointAsync("kafka", "broker-1"))["kafka://".Length..], "efa.routing", submissionId,
            settle ?? TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(30));

    public void Dispose() => Http.Dispose();
}

/// <summary>The development municipality's directory, changed by its tenant-admin through the gateway (and put back by the test).</summary>
public sealed class DevelopmentDirectoryClient(RoutingPlatform platform)
{
    public async Task<JsonElement> UnitAsync(string unitId)
    {
        var (status, unit) = await platform.Http.SendAsync(HttpMethod.Get, $"/api/routing/v1/tenants/{DevelopmentTenant.Id}/units/{unitId}", await platform.TenantAdminAsync());
        Assert.True(status == HttpStatusCode.OK, unit.ToString());
        return unit;
    }

    /// <summary>Replaces a unit's destinations, keeping everything else.</summary>
    public async Task<JsonElement> WithDestinationsAsync(string unitId, params object[] destinations)
    {
        var unit = await UnitAsync(unitId);
        var (status, changed) = await platform.Http.SendAsync(HttpMethod.Put, $"/api/routing/v1/tenants/{DevelopmentTenant.Id}/units/{unitId}", await platform.TenantAdminAsync(),
            new
            {
                name = unit.GetProperty("name").GetString(), leikaKeys = unit.GetProperty("leikaKeys"), areas = unit.GetProperty("areas"), contact = unit.GetProperty("contact"),
                destinations,
            }, Guid.NewGuid().ToString());
        Assert.True(status == HttpStatusCode.OK, changed.ToString());
        return changed;
    }

    public async Task<string> ReceiverUrlAsync() => await platform.Fixture.Platform.EndpointAsync(DevelopmentDirectory.ReceiverName, "http") + "/deliveries";

    public string ReceiverSecret => platform.Fixture.Platform.Secret("push-receiver-callback");
}
