using System.Net;
using System.Text.Json;
using EfaPlatform.Contracts.Events.V1;
using EfaPlatform.Payment.Kassenzeichen;
using EfaPlatform.TestInfrastructure;
using Google.Protobuf.WellKnownTypes;

namespace EfaPlatform.Payment.Tests;

/// <summary>Forms announces a fee-bearing submission; the municipality's staff find its payment with the fee and a Kassenzeichen.</summary>
[Collection(PaymentServiceCollection.Name)]
public sealed class SubmissionPaymentTests(PaymentServiceFixture fixture) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(fixture.HttpUrl), Timeout = TimeSpan.FromSeconds(30) };
    private readonly string _tenant = Guid.NewGuid().ToString();

    public void Dispose() => _http.Dispose();

    /// <param name="key">The Kafka key, when it is not the submission's own (to line an event up behind another submission's).</param>
    private async Task<string> SubmitAsync(long feeCents, string? eventId = null, string? submissionId = null, string? key = null)
    {
        submissionId ??= Guid.CreateVersion7().ToString();
        await KafkaProbe.PublishAsync(fixture.KafkaBootstrapServers, new SubmissionSubmitted
        {
            SubmissionId = submissionId, TenantId = _tenant, ServiceId = "fuehrungszeugnis", ServiceVersion = 1, LeikaKey = "99108004000000",
            Reference = "HD-2026-000123", FeeAmountCents = feeCents, SubmittedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
        }, key ?? submissionId, eventId ?? Guid.NewGuid().ToString());
        return submissionId;
    }

    private Task<(HttpStatusCode Status, JsonElement Body)> PaymentOfAsync(string submissionId, string? token) =>
        _http.SendAsync(HttpMethod.Get, $"/api/payment/v1/submissions/{submissionId}/payment", token);

    private async Task<JsonElement> EventuallyPaymentOfAsync(string submissionId) =>
        (await Eventually.WaitAsync<JsonElement?>(async () =>
        {
            var (status, body) = await PaymentOfAsync(submissionId, fixture.Staff(_tenant));
            return status == HttpStatusCode.OK ? (JsonElement?)body : null;
        }, TimeSpan.FromSeconds(60), "the payment of the submission exists"))!.Value;

    [Fact]
    public async Task A_fee_bearing_submission_gets_one_payment_of_its_fee_with_a_kassenzeichen_whatever_the_redeliveries()
    {
        var eventId = Guid.NewGuid().ToString();
        var submission = await SubmitAsync(1300, eventId);
        await SubmitAsync(1300, eventId, submission); // the same event again
        await SubmitAsync(1300, submissionId: submission); // announced twice under two event ids
        var marker = await SubmitAsync(700, key: submission); // after them in the same partition: once it is handled, so are they

        var payment = await EventuallyPaymentOfAsync(submission);
        var afterwards = await EventuallyPaymentOfAsync(marker);

        Assert.Equal(1300, payment.GetProperty("amountCents").GetInt64());
        Assert.Equal("EUR", payment.GetProperty("currency").GetString());
        Assert.Equal("created", payment.GetProperty("state").GetString());
        Assert.Equal(_tenant, payment.GetProperty("tenantId").GetString());
        Assert.Equal("HD-2026-000123", payment.GetProperty("reference").GetString());
        var kassenzeichen = payment.GetProperty("kassenzeichen").GetString()!;
        Assert.Equal($"{DateTimeOffset.UtcNow.Year}000001", kassenzeichen[..^1]);
        Assert.True(new KassenzeichenFormat().HasValidCheckDigit(kassenzeichen));
        var history = payment.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal("created", Assert.Single(history).GetProperty("state").GetString());
        Assert.Equal("submission.submitted", history[0].GetProperty("source").GetString());
        // The redeliveries took no Kassenzeichen: the next payment has the next number.
        Assert.Equal($"{DateTimeOffset.UtcNow.Year}000002", afterwards.GetProperty("kassenzeichen").GetString()![..^1]);
    }

    [Fact]
    public async Task Each_payment_of_a_municipality_gets_the_next_kassenzeichen()
    {
        var first = await EventuallyPaymentOfAsync(await SubmitAsync(1300));
        var second = await EventuallyPaymentOfAsync(await SubmitAsync(2500));

        var sequence = (string kassenzeichen) => long.Parse(kassenzeichen[4..^1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(sequence(first.GetProperty("kassenzeichen").GetString()!) + 1, sequence(second.GetProperty("kassenzeichen").GetString()!));
        Assert.Equal(2500, second.GetProperty("amountCents").GetInt64());
    }

    [Fact]
    public async Task A_free_submission_gets_no_payment()
    {
        var free = await SubmitAsync(0);
        var paid = await SubmitAsync(1300, key: free);
        await EventuallyPaymentOfAsync(paid); // behind the free one in its partition: the free one has been handled

        var (status, body) = await PaymentOfAsync(free, fixture.Staff(_tenant));

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("https://efa-platform.de/problems/not-found", body.GetProperty("type").GetString());
    }

    [Fact]
    // Citizens see their own submission's payment as forms vouches for it: GatewayTests, with the whole platform.
    public async Task Only_the_municipalitys_staff_and_clients_see_its_payments()
    {
        var submission = await SubmitAsync(1300);
        await EventuallyPaymentOfAsync(submission);
        var otherTenant = Guid.NewGuid().ToString();

        Assert.Equal(HttpStatusCode.OK, (await PaymentOfAsync(submission, fixture.Staff(_tenant, "tenant-admin"))).Status);
        Assert.Equal(HttpStatusCode.OK, (await PaymentOfAsync(submission, fixture.Issuer.Issue(TestIssuer.Machine("fachverfahren", _tenant, "efa.payment")))).Status);
        Assert.Equal(HttpStatusCode.OK, (await PaymentOfAsync(submission, fixture.Staff(otherTenant, "platform-admin"))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await PaymentOfAsync(submission, fixture.Staff(otherTenant))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await PaymentOfAsync(submission, fixture.Issuer.Issue(TestIssuer.Machine("fachverfahren", _tenant, "efa.forms")))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await PaymentOfAsync(submission, fixture.Issuer.Issue(TestIssuer.Person("someone")))).Status);
        var (anonymous, problem) = await PaymentOfAsync(submission, null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous);
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_submission_id_that_is_no_id_is_a_field_error()
    {
        var (status, body) = await PaymentOfAsync("not-an-id", fixture.Staff(_tenant));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.GetProperty("errors").TryGetProperty("submissionId", out _), body.ToString());
    }
}
