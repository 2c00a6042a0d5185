using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EfaPlatform.ServiceDefaults;

/// <summary>
/// Which proxies are believed when they say, in X-Forwarded-For/-Proto/-Host, who called and over what. Loopback always
/// (the gateway beside the services); more in configuration section "ForwardedHeaders": KnownNetworks (CIDR, such as
/// 10.0.0.0/8) and KnownProxies (addresses), each a list (KnownNetworks:0, KnownNetworks:1, …) or comma-separated, and
/// ForwardLimit (proxies in a row, 1 by default). A TLS-terminating proxy in front of the gateway has to be named here,
/// or the platform takes every request for plain HTTP (and the identity service refuses /connect/*).
/// </summary>
public static class TrustedProxies
{
    public const string SectionName = "ForwardedHeaders";

    public static IHostApplicationBuilder AddEfaForwardedHeaders(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ForwardedHeadersOptions>()
            .Configure<IConfiguration>((options, configuration) => Configure(options, configuration.GetSection(SectionName)))
            .ValidateOnStart();
        return builder;
    }

    private static void Configure(ForwardedHeadersOptions options, IConfigurationSection section)
    {
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
        foreach (var network in Values(section, "KnownNetworks"))
        {
            options.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network, out var parsed)
                ? parsed
                : throw new InvalidOperationException($"{SectionName}:KnownNetworks: '{network}' is not a network in CIDR notation, such as 10.0.0.0/8."));
        }

        foreach (var proxy in Values(section, "KnownProxies"))
        {
            options.KnownProxies.Add(IPAddress.TryParse(proxy, out var parsed)
                ? parsed
                : throw new InvalidOperationException($"{SectionName}:KnownProxies: '{proxy}' is not an IP address."));
        }

        if (section["ForwardLimit"] is { } limit)
        {
            options.ForwardLimit = int.TryParse(limit, System.Globalization.CultureInfo.InvariantCulture, out var parsed) && parsed > 0
                ? parsed
                : throw new InvalidOperationException($"{SectionName}:ForwardLimit: '{limit}' is not a positive number.");
        }
    }

    private static IEnumerable<string> Values(IConfigurationSection section, string key) =>
        (section[key]?.Split(',') ?? [])
            .Concat(section.GetSection(key).GetChildren().Select(child => child.Value ?? ""))
            .Select(value => value.Trim())
            .Where(value => value.Length > 0);
}
