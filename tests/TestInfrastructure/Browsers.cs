namespace EfaPlatform.TestInfrastructure;

/// <summary>How tests launch Debian's Chromium through Playwright (Playwright's own browser download cannot work here).</summary>
public static class Browsers
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public static Microsoft.Playwright.BrowserTypeLaunchOptions HeadlessChromium => new()
    {
        ExecutablePath = ChromiumPath,
        Headless = true,
        Args =
        [
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync",
        ],
    };
}
