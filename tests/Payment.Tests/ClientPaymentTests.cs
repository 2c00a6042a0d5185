using System.Net;
using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.Payment.Tests;

/// <summary>Developers' own payments: a machine client of the municipality creates one per request id, whatever the retries.</summary>
[Collection(PaymentServiceCollection.Name)]
public sealed class ClientPaymentTests(PaymentServiceFixture fixture) : IAsyncLifetime
{
    private readonly PaymentsApi _api = new(fixture);

    public async Task InitializeAsync() => await _api.SetUpAsync(new { prefix = "HD", includeYear = false, sequenceDigits = 4, checkDigit = "none" });

    public Task DisposeAsync()
    {
        _api.Dispose();
        return Task.CompletedTask;
    }

    private static object Request(string requestId, long amountCents = 2500, string returnUrl = PaymentsApi.ReturnUrl) =>
        new { requestId, amountCents, description = "Sondernutzung Gehweg", reference = "SN-77", returnUrl };

    [Fact]
    public async Task One_request_id_is_one_payment_with_the_municipalitys_kassenzeichen_and_another_body_under_it_is_refused()
    {
        var requestId = $"order-{Guid.NewGuid():N}"[..30];

        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => _api.CreateAsync(Request(requestId))));
        var (changed, conflict) = await _api.CreateAsync(Request(requestId, amountCents: 1));

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.OK, answer.Status));
        Assert.Single(answers.Select(a => a.Body.GetProperty("paymentId").GetString()).Distinct());
        var payment = answers[0].Body;
        Assert.Equal(2500, payment.GetProperty("amountCents").GetInt64());
        Assert.Equal(requestId, payment.GetProperty("requestId").GetString());
        Assert.Equal("started", payment.GetProperty("state").GetString());
        Assert.Matches("^HD[0-9]{4}$", payment.GetProperty("kassenzeichen").GetString());
        Assert.Equal(HttpStatusCode.Conflict, changed);
        Assert.Contains(requestId, conflict.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Bad_fields_a_foreign_return_url_and_callers_without_the_right_are_refused_and_create_nothing()
    {
        var (invalid, problem) = await _api.CreateAsync(new { requestId = "bad id!", amountCents = 0, description = "", reference = new string('x', 28), returnUrl = "" });
        Assert.Equal(HttpStatusCode.BadRequest, invalid);
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "requestId", "amountCents", "description", "reference", "returnUrl" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"{field}: {problem}");
        }

        foreach (var foreign in new[] { "https://evil.example/antraege", "https://buergerportal.example.de.evil.example/", "javascript:alert(1)",
                     "https://user@buergerportal.example.de/", "http://buergerportal.example.de/", "//evil.example/" })
        {
            var (status, refusal) = await _api.CreateAsync(Request(Guid.NewGuid().ToString(), returnUrl: foreign));
            Assert.True(status == HttpStatusCode.BadRequest, $"{foreign}: {refusal}");
            Assert.True(refusal.GetProperty("errors").TryGetProperty("returnUrl", out _), refusal.ToString());
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await _api.CreateAsync(Request("x"), fixture.Machine(Guid.NewGuid().ToString()))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await _api.CreateAsync(Request("x"), fixture.Machine(_api.Tenant, "efa.forms"))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await _api.CreateAsync(Request("x"), fixture.Staff(_api.Tenant))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await _api.CreateAsync(Request("x"), fixture.Citizen("citizen-c"))).Status);
    }

    [Fact]
    public async Task A_municipality_without_online_payment_is_told_so()
    {
        using var unset = new PaymentsApi(fixture);
        var (status, problem) = await unset.CreateAsync(Request("x"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("not set up online payment", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Settings_are_validated_field_by_field_and_only_the_municipalitys_admins_change_them()
    {
        var path = $"/api/payment/v1/tenants/{_api.Tenant}/settings";
        var (invalid, problem) = await _api.Http.SendAsync(HttpMethod.Put, path, _api.Admin, new
        {
            provider = "paypal", returnOrigins = new[] { "https://ok.example", "https://bad.example/path" },
            kassenzeichenFormat = new { prefix = "ab", includeYear = true, sequenceDigits = 2, checkDigit = "mod97" },
        }, Guid.NewGuid().ToString());

        Assert.Equal(HttpStatusCode.BadRequest, invalid);
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "provider", "returnOrigins[1]", "kassenzeichenFormat.prefix", "kassenzeichenFormat.sequenceDigits", "kassenzeichenFormat.checkDigit" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"{field}: {problem}");
        }

        // Left out, the Kassenzeichen format stays as it was.
        Assert.Equal(HttpStatusCode.OK, (await _api.Http.SendAsync(HttpMethod.Put, path, _api.Admin,
            new { provider = "test", returnOrigins = new[] { PaymentsApi.ReturnOrigin } }, Guid.NewGuid().ToString())).Status);
        var (read, settings) = await _api.Http.SendAsync(HttpMethod.Get, path, _api.Admin);
        Assert.Equal(HttpStatusCode.OK, read);
        Assert.Equal("HD", settings.GetProperty("kassenzeichenFormat").GetProperty("prefix").GetString());
        Assert.Equal(PaymentsApi.ReturnOrigin, settings.GetProperty("returnOrigins")[0].GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await _api.Http.SendAsync(HttpMethod.Get, path, fixture.Staff(_api.Tenant))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await _api.Http.SendAsync(HttpMethod.Get, path, fixture.Staff(Guid.NewGuid().ToString(), "tenant-admin"))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await _api.Http.SendAsync(HttpMethod.Post, $"/api/payment/v1/tenants/{_api.Tenant}/callback-secret:rotate",
            fixture.Staff(Guid.NewGuid().ToString(), "tenant-admin"), new { })).Status);
    }
}
