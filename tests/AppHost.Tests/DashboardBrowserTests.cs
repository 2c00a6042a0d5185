using EfaPlatform.AppHost.Hosting;
using EfaPlatform.TestInfrastructure;
using Microsoft.Playwright;

namespace EfaPlatform.AppHost.Tests;

/// <summary>The dashboard as an operator sees it, in headless Chromium (Debian's chromium package).</summary>
[Collection(RunningPlatformCollection.Name)]
public sealed class DashboardBrowserTests(RunningPlatformFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(Browsers.HeadlessChromium);
    }

    [Fact]
    public async Task The_dashboard_shows_every_resource_and_its_live_console_output()
    {
        var page = await _browser!.NewPageAsync();
        await page.GotoAsync(fixture.Platform.LoginUrl);

        var table = page.GetByRole(AriaRole.Table);
        foreach (var name in new[] { "postgres", "redis", "kafka", "clamav", "identity", "documents", "forms", "payment", "routing", "push-receiver", "gateway" })
        {
            var row = table.Locator($"tr[data-resource='{name}']");
            await Assertions.Expect(row).ToBeVisibleAsync();
            await Assertions.Expect(row.Locator("[data-field=state]")).ToHaveTextAsync("running");
        }

        // The stylesheet loads under the page's Content-Security-Policy: the console pane is dark.
        Assert.Equal("rgb(17, 17, 17)", await page.Locator("#logs").EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"));

        await page.GetByLabel("Resource", new() { Exact = true }).SelectOptionAsync("gateway");
        var logs = page.Locator("#logs");
        await Assertions.Expect(logs).ToContainTextAsync("Now listening on");

        var gateway = await fixture.Platform.ResourceAsync("gateway");
        ChildProcess.SignalProcess(gateway.GetProperty("processId").GetInt32(), ChildProcess.SigKill);

        // Without reloading the page: the restart shows in the table and in the console output.
        await Assertions.Expect(logs).ToContainTextAsync("state: restarting", new() { Timeout = 30_000 });
        await Assertions.Expect(table.Locator("tr[data-resource='gateway'] [data-field=state]")).ToHaveTextAsync("running", new() { Timeout = 60_000 });
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "efa-dashboard.png"), FullPage = true });
    }

    [Fact]
    public async Task Without_the_login_link_the_dashboard_shows_nothing()
    {
        var page = await _browser!.NewPageAsync();
        var response = await page.GotoAsync(fixture.Platform.DashboardUrl);

        Assert.Equal(401, response!.Status);
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("login link");
        Assert.Equal(0, await page.Locator("table").CountAsync());
    }

    public async Task DisposeAsync()
    {
        output.WriteLine(fixture.Platform.OutputText);
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
