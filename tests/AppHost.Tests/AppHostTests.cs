using System.Text.Json;
using EfaPlatform.AppHost.Hosting;
using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.AppHost.Tests;

[Collection(RunningPlatformCollection.Name)]
public sealed class AppHostTests(RunningPlatformFixture fixture, ITestOutputHelper output) : IDisposable
{
    private static readonly string[] ExpectedResources = ["postgres", "redis", "kafka", "clamav", "identity", "documents", "forms", "payment", "routing", "push-receiver", "gateway"];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private PlatformProcess Platform => fixture.Platform;

    [Fact]
    public async Task Every_declared_resource_runs_healthy_with_its_endpoints()
    {
        var resources = await Platform.ResourcesAsync();

        Assert.Equal(ExpectedResources, resources.Select(r => r.GetProperty("name").GetString()));
        Assert.All(resources, r =>
        {
            Assert.Equal("running", r.GetProperty("state").GetString());
            Assert.Equal("healthy", r.GetProperty("health").GetString());
            Assert.NotEmpty(r.GetProperty("endpoints").EnumerateArray());
            Assert.True(r.GetProperty("processId").GetInt32() > 0);
        });
        using var health = await _http.GetAsync($"{await Platform.EndpointAsync("gateway", "http")}/health");
        Assert.True(health.IsSuccessStatusCode);
        Assert.Matches(@"RESOURCE +TYPE", Platform.OutputText);
    }

    [Fact]
    public async Task A_killed_service_is_restarted_and_healthy_again()
    {
        var restartsBefore = (await Platform.ResourceAsync("gateway")).GetProperty("restartCount").GetInt32();

        var pid = await Platform.KillAndAwaitRestartAsync("gateway");

        var after = await Platform.ResourceAsync("gateway");
        Assert.Equal(restartsBefore + 1, after.GetProperty("restartCount").GetInt32());
        Assert.NotEqual(pid, after.GetProperty("processId").GetInt32());
        Assert.False(ChildProcess.IsAlive(pid));
        using var health = await _http.GetAsync($"{await Platform.EndpointAsync("gateway", "http")}/health");
        Assert.True(health.IsSuccessStatusCode);
    }

    [Fact]
    public async Task The_dashboard_API_refuses_callers_without_the_token()
    {
        using var anonymous = await _http.GetAsync($"{Platform.DashboardUrl}/api/resources");
        using var wrongLogin = await _http.GetAsync($"{Platform.DashboardUrl}/login?t=not-the-token");

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, wrongLogin.StatusCode);
    }

    public void Dispose()
    {
        output.WriteLine(Platform.OutputText);
        _http.Dispose();
    }
}
