using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EfaPlatform.ServiceDefaults.Tests;

/// <summary>
/// A TLS-terminating proxy in front of the platform says "https" in X-Forwarded-Proto; a service set up with
/// AddServiceDefaults believes it from the proxies its configuration names (and loopback), from nobody else.
/// </summary>
public sealed class ForwardedHeadersTests
{
    private const string Caller = "198.51.100.7";

    [Theory]
    [InlineData("10.1.2.3", true)]
    [InlineData("192.0.2.11", true)]
    [InlineData("127.0.0.1", true)]
    [InlineData("10.2.0.1", false)]
    [InlineData("203.0.113.9", false)]
    public async Task X_Forwarded_Proto_is_believed_only_from_a_trusted_proxy(string proxy, bool believed)
    {
        await using var app = Build(new()
        {
            ["ForwardedHeaders:KnownNetworks:0"] = "10.1.0.0/16",
            ["ForwardedHeaders:KnownProxies"] = "192.0.2.10, 192.0.2.11",
        });
        var middleware = new ForwardedHeadersMiddleware(_ => Task.CompletedTask, NullLoggerFactory.Instance,
            app.Services.GetRequiredService<IOptions<ForwardedHeadersOptions>>());
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(proxy);
        context.Request.Scheme = "http";
        context.Request.Headers["X-Forwarded-Proto"] = "https";
        context.Request.Headers["X-Forwarded-For"] = Caller;

        await middleware.Invoke(context);

        Assert.Equal(believed, context.Request.IsHttps);
        Assert.Equal(believed ? Caller : proxy, context.Connection.RemoteIpAddress?.ToString());
    }

    [Fact]
    public async Task A_proxy_setting_that_is_not_an_address_stops_the_start_with_the_key_named()
    {
        await using var app = Build(new() { ["ForwardedHeaders:KnownNetworks"] = "10.0.0.0/8,10.300.0.0/16" });

        var error = Assert.Throws<InvalidOperationException>(() => app.Services.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value);
        Assert.Contains("ForwardedHeaders:KnownNetworks: '10.300.0.0/16'", error.Message, StringComparison.Ordinal);
    }

    private static WebApplication Build(Dictionary<string, string?> configuration)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.AddServiceDefaults();
        return builder.Build();
    }
}
