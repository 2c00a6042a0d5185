using System.Net;
using System.Text;
using EfaPlatform.Contracts.Events.V1;
using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.Payment.Tests;

/// <summary>The treasury's export of a day: every booking, totals that match the events, the same bytes whenever fetched.</summary>
[Collection(PaymentServiceCollection.Name)]
public sealed class ReconciliationTests(PaymentServiceFixture fixture) : IAsyncLifetime
{
    private readonly PaymentsApi _api = new(fixture);

    public async Task InitializeAsync() => await _api.SetUpAsync();

    public Task DisposeAsync()
    {
        _api.Dispose();
        return Task.CompletedTask;
    }

    private static string Today() =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin")).DateTime).ToString("yyyy-MM-dd");

    private async Task<string> PaidAsync(long amountCents, PaymentsApi? api = null)
    {
        api ??= _api;
        var id = (await api.CreatePaymentAsync(amountCents)).GetProperty("paymentId").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await api.CallbackAsync(id, "succeeded")).Status);
        return id;
    }

    private async Task<System.Text.Json.JsonElement> CreateExportAsync(string? token = null)
    {
        var (status, export) = await _api.Http.SendAsync(HttpMethod.Post, $"/api/payment/v1/tenants/{_api.Tenant}/exports", token ?? _api.Admin, new { date = Today() },
            Guid.NewGuid().ToString());
        Assert.True(status == HttpStatusCode.OK, export.ToString());
        return export;
    }

    private async Task<(string Json, byte[] Csv)> FetchAsync(System.Text.Json.JsonElement export)
    {
        using var json = new HttpRequestMessage(HttpMethod.Get, $"/api/payment/v1/tenants/{_api.Tenant}/exports/{export.GetProperty("exportId").GetString()}");
        json.Headers.Authorization = new("Bearer", _api.Machine);
        using var jsonAnswer = await _api.Http.SendAsync(json);
        using var csv = new HttpRequestMessage(HttpMethod.Get, export.GetProperty("csvPath").GetString());
        csv.Headers.Authorization = new("Bearer", _api.Admin);
        using var csvAnswer = await _api.Http.SendAsync(csv);
        Assert.Equal(HttpStatusCode.OK, csvAnswer.StatusCode);
        Assert.Equal("text/csv", csvAnswer.Content.Headers.ContentType?.MediaType);
        return (await jsonAnswer.Content.ReadAsStringAsync(), await csvAnswer.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task The_days_export_holds_every_booking_its_totals_equal_the_events_and_it_stays_the_same()
    {
        var paid = new[] { await PaidAsync(1300), await PaidAsync(2500), await PaidAsync(700) };
        var (refunded, _) = await _api.Http.SendAsync(HttpMethod.Post, $"/api/payment/v1/payments/{paid[1]}/refunds", fixture.Refunder(_api.Tenant),
            new { amountCents = 500, reason = "Teilweise erstattet" }, Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.OK, refunded);
        await _api.CreatePaymentAsync(9900); // started, not paid: no booking
        using var other = await new PaymentsApi(fixture).SetUpAsync();
        await PaidAsync(4200, other);

        var export = await CreateExportAsync();

        var bookings = export.GetProperty("bookings").EnumerateArray().ToList();
        Assert.Equal(["payment", "payment", "payment", "refund"], bookings.Select(b => b.GetProperty("kind").GetString()));
        Assert.Equal(4500, export.GetProperty("receivedCents").GetInt64());
        Assert.Equal(500, export.GetProperty("refundedCents").GetInt64());
        Assert.Equal(4000, export.GetProperty("netCents").GetInt64());
        Assert.False(export.GetProperty("complete").GetBoolean()); // the day is not over yet
        long received = 0, paidBack = 0;
        foreach (var id in paid)
        {
            foreach (var seen in await KafkaProbe.EventsWithKeyAsync(fixture.KafkaBootstrapServers, "efa.payment", id, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30)))
            {
                received += seen.Type.EndsWith("succeeded.v1") ? PaymentSucceeded.Parser.ParseFrom(seen.Payload).AmountCents : 0;
                paidBack += seen.Type.EndsWith("refunded.v1") ? PaymentRefunded.Parser.ParseFrom(seen.Payload).AmountCents : 0;
            }
        }

        Assert.Equal((4500, 500), (received, paidBack));

        var (json, csv) = await FetchAsync(export);
        await PaidAsync(100); // a later booking changes no export made before
        var (jsonAgain, csvAgain) = await FetchAsync(export);
        Assert.Equal(json, jsonAgain);
        Assert.Equal(csv, csvAgain);
        Assert.Equal(5, (await CreateExportAsync()).GetProperty("bookings").GetArrayLength());

        Assert.Equal(Encoding.UTF8.GetPreamble(), csv[..3]);
        var lines = Encoding.UTF8.GetString(csv[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Buchungsart;Kassenzeichen;Referenz;Betrag;", lines[0]);
        Assert.Equal(5, lines.Length);
        Assert.Contains(lines, line => line.StartsWith("Zahlung;") && line.Contains(";13,00;EUR;"));
        var refundLine = Assert.Single(lines, line => line.StartsWith("Erstattung;"));
        Assert.Contains(";-5,00;EUR;", refundLine);
        Assert.Contains(bookings[1].GetProperty("kassenzeichen").GetString()!, string.Join("\n", lines));
    }

    [Fact]
    public async Task Exports_are_the_municipalitys_treasurys_own_and_a_bad_day_is_a_field_error()
    {
        var export = await CreateExportAsync(_api.Machine);
        var id = export.GetProperty("exportId").GetString();
        var path = $"/api/payment/v1/tenants/{_api.Tenant}/exports";

        Assert.Equal(HttpStatusCode.Forbidden, (await _api.Http.SendAsync(HttpMethod.Get, $"{path}/{id}", fixture.Staff(Guid.NewGuid().ToString(), "tenant-admin"))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await _api.Http.SendAsync(HttpMethod.Get, $"{path}/{id}", fixture.Staff(_api.Tenant))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await _api.Http.SendAsync(HttpMethod.Get, $"{path}/{id}/csv", fixture.Citizen("citizen-x"))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await _api.Http.SendAsync(HttpMethod.Get,
            $"/api/payment/v1/tenants/{Guid.NewGuid()}/exports/{id}/csv", fixture.Staff(Guid.NewGuid().ToString(), "tenant-admin"))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.Http.SendAsync(HttpMethod.Get, $"{path}/{Guid.NewGuid()}", _api.Admin)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.Http.SendAsync(HttpMethod.Get, $"{path}/{Guid.NewGuid()}/csv", _api.Admin)).Status);
        foreach (var day in new[] { "2999-01-01", "0001-01-01", "03.12.2026", "2026-13-01", "" })
        {
            var (status, problem) = await _api.Http.SendAsync(HttpMethod.Post, path, _api.Admin, new { date = day }, Guid.NewGuid().ToString());
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.True(problem.GetProperty("errors").TryGetProperty("date", out _), problem.ToString());
        }
    }
}
