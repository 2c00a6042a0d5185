using System.Net.Http.Json;
using System.Text.Json;
using EfaPlatform.Contracts.Events.V1;
using EfaPlatform.Payment.Providers;
using EfaPlatform.TestInfrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Google.Protobuf.WellKnownTypes;

namespace EfaPlatform.Payment.Tests;

/// <summary>The REST API as partners read it, withdrawals, and what a payment service offers without configuration.</summary>
[Collection(PaymentServiceCollection.Name)]
public sealed class ApiDocumentTests(PaymentServiceFixture fixture) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(fixture.HttpUrl), Timeout = TimeSpan.FromSeconds(30) };

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task The_OpenAPI_document_has_every_call_and_only_callbacks_and_the_test_providers_page_go_without_a_token()
    {
        var paths = (await _http.GetFromJsonAsync<JsonElement>("/api/payment/openapi.json")).GetProperty("paths");

        var names = paths.EnumerateObject().Select(p => p.Name).ToList();
        foreach (var expected in new[] { "payment:start", "/payments", "/refunds", "/settings", "callback-secret:rotate", "/exports", "/csv", "/callbacks/{provider}", "test-provider/sessions" })
        {
            Assert.Contains(names, name => name.Contains(expected, StringComparison.Ordinal));
        }

        var anonymous = paths.EnumerateObject()
            .Where(path => path.Value.EnumerateObject().Any(operation => operation.Value.GetProperty("security").GetArrayLength() == 0))
            .Select(path => path.Name).ToList();
        Assert.All(anonymous, path => Assert.True(path.Contains("/callbacks/", StringComparison.Ordinal) || path.Contains("/test-provider/", StringComparison.Ordinal), path));
    }

    [Fact]
    public async Task A_withdrawn_submission_that_was_not_paid_gets_its_payment_cancelled()
    {
        var tenant = Guid.NewGuid().ToString();
        var submissionId = Guid.CreateVersion7().ToString();
        await KafkaProbe.PublishAsync(fixture.KafkaBootstrapServers, new SubmissionSubmitted
        {
            SubmissionId = submissionId, TenantId = tenant, ServiceId = "fuehrungszeugnis", ServiceVersion = 1, Reference = "HD-2026-000321", FeeAmountCents = 1300,
            SubmittedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
        }, submissionId, Guid.NewGuid().ToString());
        await KafkaProbe.PublishAsync(fixture.KafkaBootstrapServers, new SubmissionWithdrawn { SubmissionId = submissionId, TenantId = tenant }, submissionId,
            Guid.NewGuid().ToString());

        var payment = await Eventually.WaitAsync(async () =>
        {
            var (_, body) = await _http.SendAsync(HttpMethod.Get, $"/api/payment/v1/submissions/{submissionId}/payment", fixture.Staff(tenant));
            return body.ValueKind == JsonValueKind.Object && body.TryGetProperty("state", out var state) && state.GetString() == "cancelled" ? (JsonElement?)body : null;
        }, TimeSpan.FromSeconds(60), "the payment is cancelled");

        Assert.Equal("submission.withdrawn", payment!.Value.GetProperty("history")[1].GetProperty("source").GetString());
        var events = await KafkaProbe.EventsWithKeyAsync(fixture.KafkaBootstrapServers, "efa.payment", submissionId, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30));
        Assert.Equal("withdrawn", PaymentFailed.Parser.ParseFrom(Assert.Single(events).Payload).Reason);
    }

    [Fact]
    public void Without_configuration_the_service_offers_no_provider_and_no_test_page()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration["Payment:SecretKey"] = new string('k', 32);
        builder.Configuration["ConnectionStrings:postgres"] = "Host=127.0.0.1;Database=unused";
        builder.Configuration["ConnectionStrings:kafka"] = "127.0.0.1:1";
        builder.AddPaymentServices();
        using var services = builder.Services.BuildServiceProvider();

        Assert.Empty(services.GetRequiredService<PaymentProviders>().Names);
        Assert.Null(services.GetService<TestProvider.TestPaymentProvider>());
    }
}
