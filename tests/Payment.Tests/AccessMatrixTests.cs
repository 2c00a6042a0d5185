using System.Net;
using System.Net.Http.Json;
using EfaPlatform.Contracts.Events.V1;
using EfaPlatform.TestInfrastructure;
using Google.Protobuf.WellKnownTypes;

namespace EfaPlatform.Payment.Tests;

/// <summary>
/// Every call against two municipalities: who may, who is refused (403), and for whom another municipality's payment
/// does not exist (404). Citizens' own-submission rule needs forms: GatewayTests, with the whole platform.
/// </summary>
[Collection(PaymentServiceCollection.Name)]
public sealed class AccessMatrixTests(PaymentServiceFixture fixture) : IAsyncLifetime
{
    private readonly PaymentsApi _a = new(fixture);
    private readonly PaymentsApi _b = new(fixture);

    public async Task InitializeAsync()
    {
        await _a.SetUpAsync();
        await _b.SetUpAsync();
    }

    public Task DisposeAsync()
    {
        _a.Dispose();
        _b.Dispose();
        return Task.CompletedTask;
    }

    private sealed record Call(string Name, HttpMethod Method, string Path, object? Body, Dictionary<string, HttpStatusCode> Expected);

    [Fact]
    public async Task Each_caller_gets_what_their_role_and_municipality_allow_and_nothing_else()
    {
        var submissionId = Guid.CreateVersion7().ToString();
        await KafkaProbe.PublishAsync(fixture.KafkaBootstrapServers, new SubmissionSubmitted
        {
            SubmissionId = submissionId, TenantId = _a.Tenant, ServiceId = "fuehrungszeugnis", ServiceVersion = 1, Reference = "HD-2026-000999", FeeAmountCents = 1300,
            SubmittedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
        }, submissionId, Guid.NewGuid().ToString());
        var paid = (await _a.CreatePaymentAsync(5000)).GetProperty("paymentId").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await _a.CallbackAsync(paid, "succeeded")).Status);
        var (_, export) = await _a.Http.SendAsync(HttpMethod.Post, $"/api/payment/v1/tenants/{_a.Tenant}/exports", _a.Admin,
            new { date = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd") }, Guid.NewGuid().ToString());
        var exportId = export.GetProperty("exportId").GetString();
        await Eventually.WaitAsync(async () => (await _a.Http.SendAsync(HttpMethod.Get, $"/api/payment/v1/submissions/{submissionId}/payment", fixture.Staff(_a.Tenant))).Status
            == HttpStatusCode.OK, TimeSpan.FromSeconds(60), "the submission's payment exists");

        var callers = new Dictionary<string, string?>
        {
            ["a-admin"] = _a.Admin, ["a-caseworker"] = fixture.Refunder(_a.Tenant), ["a-client"] = _a.Machine,
            ["b-admin"] = _b.Admin, ["b-caseworker"] = fixture.Refunder(_b.Tenant), ["b-client"] = _b.Machine,
            ["operator"] = fixture.Staff(_b.Tenant, "platform-admin"), ["citizen"] = fixture.Citizen("citizen-matrix"), ["anonymous"] = null,
        };
        const HttpStatusCode ok = HttpStatusCode.OK, denied = HttpStatusCode.Forbidden, missing = HttpStatusCode.NotFound, anonymous = HttpStatusCode.Unauthorized;
        Dictionary<string, HttpStatusCode> Only(params string[] allowed) => callers.Keys.ToDictionary(c => c, c => c == "anonymous" ? anonymous : allowed.Contains(c) ? ok : denied);
        Dictionary<string, HttpStatusCode> Staff(params string[] allowed) =>
            callers.Keys.ToDictionary(c => c, c => c == "anonymous" ? anonymous : allowed.Contains(c) ? ok : c.StartsWith("b-") ? missing : denied);
        var settings = new { provider = "test", returnOrigins = new[] { PaymentsApi.ReturnOrigin } };
        var calls = new[]
        {
            new Call("GetSubmissionPayment", HttpMethod.Get, $"/api/payment/v1/submissions/{submissionId}/payment", null,
                Staff("a-admin", "a-caseworker", "a-client", "operator").Where(e => e.Key != "citizen").ToDictionary()),
            new Call("StartPayment", HttpMethod.Post, $"/api/payment/v1/submissions/{submissionId}/payment:start", new { returnUrl = PaymentsApi.ReturnUrl },
                Only("citizen").Where(e => e.Key != "citizen").ToDictionary()),
            new Call("CreatePayment", HttpMethod.Post, $"/api/payment/v1/tenants/{_a.Tenant}/payments",
                new { requestId = "matrix", amountCents = 100, description = "Matrix", reference = "M-1", returnUrl = PaymentsApi.ReturnUrl }, Only("a-client")),
            new Call("GetPayment", HttpMethod.Get, $"/api/payment/v1/payments/{paid}", null, Staff("a-admin", "a-caseworker", "a-client", "operator")),
            new Call("RefundPayment", HttpMethod.Post, $"/api/payment/v1/payments/{paid}/refunds", new { amountCents = 1, reason = "Matrix" },
                callers.Keys.ToDictionary(c => c, c => c switch
                {
                    "anonymous" => anonymous, "a-admin" or "a-caseworker" => ok, "b-admin" or "b-caseworker" => missing, _ => denied,
                })),
            new Call("GetPaymentSettings", HttpMethod.Get, $"/api/payment/v1/tenants/{_a.Tenant}/settings", null, Only("a-admin", "operator")),
            new Call("UpdatePaymentSettings", HttpMethod.Put, $"/api/payment/v1/tenants/{_a.Tenant}/settings", settings, Only("a-admin", "operator")),
            new Call("RotateCallbackSecret", HttpMethod.Post, $"/api/payment/v1/tenants/{_a.Tenant}/callback-secret:rotate", new { }, Only("a-admin", "operator")),
            new Call("CreateExport", HttpMethod.Post, $"/api/payment/v1/tenants/{_a.Tenant}/exports",
                new { date = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd") }, Only("a-admin", "a-client", "operator")),
            new Call("GetExport", HttpMethod.Get, $"/api/payment/v1/tenants/{_a.Tenant}/exports/{exportId}", null, Only("a-admin", "a-client", "operator")),
            new Call("ExportCsv", HttpMethod.Get, $"/api/payment/v1/tenants/{_a.Tenant}/exports/{exportId}/csv", null, Only("a-admin", "a-client", "operator")),
        };

        var wrong = new List<string>();
        foreach (var call in calls)
        {
            foreach (var (caller, expected) in call.Expected)
            {
                using var request = new HttpRequestMessage(call.Method, call.Path) { Content = call.Body is null ? null : JsonContent.Create(call.Body) };
                request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
                if (callers[caller] is { } token)
                {
                    request.Headers.Authorization = new("Bearer", token);
                }

                using var answer = await _a.Http.SendAsync(request);
                if (answer.StatusCode != expected)
                {
                    wrong.Add($"{call.Name} as {caller}: {(int)answer.StatusCode} instead of {(int)expected} {await answer.Content.ReadAsStringAsync()}");
                }
                else if (answer.StatusCode != ok && answer.Content.Headers.ContentType?.MediaType != "application/problem+json")
                {
                    wrong.Add($"{call.Name} as {caller}: {(int)answer.StatusCode} without a problem document");
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
    }
}
