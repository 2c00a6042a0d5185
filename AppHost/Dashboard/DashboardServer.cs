using System.Security.Cryptography;
using System.Text;
using EfaPlatform.AppHost.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EfaPlatform.AppHost.Dashboard;

/// <summary>
/// The operator dashboard: resources with state, health, endpoints and live console output. It listens on loopback only
/// and requires the token printed at start (as the Aspire dashboard does), because console output can hold secrets.
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    public const string CookieName = "efa_dashboard";
    private readonly WebApplication _app;

    private DashboardServer(WebApplication app, string baseUrl, string token)
    {
        _app = app;
        BaseUrl = baseUrl;
        LoginUrl = $"{baseUrl}/login?t={token}";
    }

    public string BaseUrl { get; }

    public string LoginUrl { get; }

    public static async Task<DashboardServer> StartAsync(PlatformApplication platform, IConfiguration configuration, CancellationToken cancellationToken)
    {
        var port = Ports.Claim(configuration.GetValue("Dashboard:Port", 18888), "the dashboard", "Dashboard:Port");
        var token = configuration["Dashboard:Token"] is { Length: >= 16 } configured ? configured : Commands.NewSecret();
        var baseUrl = $"http://127.0.0.1:{port}";

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(baseUrl);
        builder.Logging.ClearProviders();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, DashboardJson.Default));
        var app = builder.Build();

        app.Use(async (context, next) =>
        {
            context.Response.Headers.ContentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'";
            context.Response.Headers.XContentTypeOptions = "nosniff";
            if (context.Request.Path == "/login" || IsAuthorized(context, token))
            {
                await next(context);
                return;
            }

            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync("Open the dashboard through the login link the AppHost printed at start.");
        });

        app.MapGet("/login", (HttpContext context, string? t) =>
        {
            if (t is null || !FixedTimeEquals(t, token))
            {
                return Results.Text("The login link is not valid. Use the one the AppHost printed at start.", statusCode: StatusCodes.Status401Unauthorized);
            }

            context.Response.Cookies.Append(CookieName, token, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/" });
            return Results.Redirect("/");
        });
        app.MapGet("/", () => Results.Content(DashboardPage.Render(platform.Resources), "text/html; charset=utf-8"));
        app.MapGet("/dashboard.css", () => Results.Text(DashboardPage.Styles, "text/css; charset=utf-8"));
        app.MapGet("/dashboard.js", () => Results.Text(DashboardPage.Script, "text/javascript; charset=utf-8"));
        app.MapGet("/api/resources", () => platform.Resources.Select(ResourceView.From).ToList());
        app.MapGet("/api/resources/{name}/logs", (string name, long? after) =>
        {
            var resource = platform.Resources.FirstOrDefault(r => r.Name == name);
            return resource is null
                ? Results.Problem(title: "Unknown resource", detail: $"There is no resource named '{name}'.", statusCode: StatusCodes.Status404NotFound)
                : Results.Ok(resource.Logs.After(after ?? 0, DashboardPage.MaxLines).Select(LogLineView.From).ToList());
        });

        await app.StartAsync(cancellationToken);
        return new DashboardServer(app, baseUrl, token);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static bool IsAuthorized(HttpContext context, string token)
    {
        if (context.Request.Cookies.TryGetValue(CookieName, out var cookie) && FixedTimeEquals(cookie, token))
        {
            return true;
        }

        var header = context.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.Ordinal) && FixedTimeEquals(header["Bearer ".Length..], token);
    }

    private static bool FixedTimeEquals(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));
}
