using System.Net;
using System.Text.Json;
using EfaPlatform.Contracts.Events.V1;
using EfaPlatform.TestInfrastructure;
using Npgsql;

namespace EfaPlatform.Forms.Tests;

/// <summary>References that never repeat, and the lists caseworkers page through.</summary>
public sealed partial class SubmissionsTests
{
    [Fact]
    public async Task Two_municipalities_with_one_prefix_never_hand_out_one_reference_twice_and_numbers_grow_past_six_digits()
    {
        var prefix = UniquePrefix();
        var first = await MunicipalityAsync(prefix);
        var second = await MunicipalityAsync(prefix);
        var year = DateTime.UtcNow.Year;

        var (_, a) = await SubmitAsync(Citizen($"citizen-{NewId()}"), first, SampleAnswers.PrivateCertificate());
        var (_, b) = await SubmitAsync(Citizen($"citizen-{NewId()}"), second, SampleAnswers.PrivateCertificate());
        await using (var connection = new NpgsqlConnection(forms.DatabaseConnectionString))
        {
            await connection.OpenAsync();
            await using var jump = new NpgsqlCommand("update reference_counters_by_prefix set last_number = 999999 where prefix = $1", connection)
            {
                Parameters = { new NpgsqlParameter { Value = prefix } },
            };
            await jump.ExecuteNonQueryAsync();
        }

        var (_, c) = await SubmitAsync(Citizen($"citizen-{NewId()}"), first, SampleAnswers.PrivateCertificate());

        Assert.Equal([$"{prefix}-{year}-000001", $"{prefix}-{year}-000002", $"{prefix}-{year}-1000000"],
            new[] { a, b, c }.Select(s => s.GetProperty("reference").GetString()));
    }

    [Fact]
    public async Task Caseworkers_filter_by_status_service_and_day_and_page_through_newest_first()
    {
        var tenant = await MunicipalityAsync(UniquePrefix());
        var references = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var (_, submission) = await SubmitAsync(Citizen($"citizen-{NewId()}"), tenant, SampleAnswers.PrivateCertificate());
            references.Add(submission.GetProperty("reference").GetString()!);
        }

        var caseworker = Staff(tenant);
        var pages = new List<string>();
        var token = "";
        do
        {
            var (status, page) = await _http.SendAsync(HttpMethod.Get, $"/api/forms/v1/tenants/{tenant}/submissions?pageSize=2&pageToken={token}", caseworker);
            Assert.Equal(HttpStatusCode.OK, status);
            pages.Add(string.Join(",", page.GetProperty("submissions").EnumerateArray().Select(s => s.GetProperty("reference").GetString()![^1..])));
            token = page.TryGetProperty("nextPageToken", out var next) ? next.GetString()! : "";
        }
        while (token.Length > 0);
        Assert.Equal(["5,4", "3,2", "1"], pages);

        var today = DateTime.UtcNow.ToString("yyyy-MM-dd");
        var yesterday = DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd");
        async Task<int> CountAsync(string query) =>
            (await _http.SendAsync(HttpMethod.Get, $"/api/forms/v1/tenants/{tenant}/submissions?{query}", caseworker)).Body.GetProperty("submissions").GetArrayLength();
        Assert.Equal(5, await CountAsync($"status=payment_pending&serviceId={Certificate}&submittedFrom={today}&submittedUntil={today}"));
        Assert.Equal(0, await CountAsync("status=delivered"));
        Assert.Equal(0, await CountAsync("serviceId=bewohnerparkausweis"));
        Assert.Equal(0, await CountAsync($"submittedUntil={yesterday}"));

        var (bad, problem) = await _http.SendAsync(HttpMethod.Get, $"/api/forms/v1/tenants/{tenant}/submissions?status=lost&submittedFrom=1.1.2026&pageSize=500&pageToken=nonsense", caseworker);
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.Equal(["pageSize", "pageToken", "status", "submittedFrom"], problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order());

        // A page token belongs to the filter it was made with: with another filter it would skip or repeat rows.
        var (_, first) = await _http.SendAsync(HttpMethod.Get, $"/api/forms/v1/tenants/{tenant}/submissions?pageSize=2", caseworker);
        var (otherFilter, refused) = await _http.SendAsync(HttpMethod.Get,
            $"/api/forms/v1/tenants/{tenant}/submissions?status=payment_pending&pageSize=2&pageToken={first.GetProperty("nextPageToken").GetString()}", caseworker);
        Assert.Equal(HttpStatusCode.BadRequest, otherFilter);
        Assert.Equal(["pageToken"], refused.GetProperty("errors").EnumerateObject().Select(p => p.Name));
    }
}
