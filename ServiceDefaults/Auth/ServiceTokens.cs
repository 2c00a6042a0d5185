using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Grpc.Core;
using Grpc.Net.ClientFactory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EfaPlatform.ServiceDefaults.Auth;

/// <summary>
/// Configuration section "ServiceClient": the platform service's own machine client (client credentials, no tenant,
/// role "service"), for calls it makes on nobody's behalf (routing reading a submission to deliver it). The identity
/// service provisions it from Identity:ServiceClients.
/// </summary>
public sealed class ServiceClientOptions
{
    public const string SectionName = "ServiceClient";

    public string ClientId { get; set; } = "";

    public string ClientSecret { get; set; } = "";

    /// <summary>Space-separated scopes, for example "efa.forms efa.documents".</summary>
    public string Scopes { get; set; } = "";
}

/// <summary>The service's own access token, fetched from the identity service and reused until shortly before it expires.</summary>
public sealed class ServiceTokens(IHttpClientFactory httpClients, IOptions<ServiceClientOptions> options, TimeProvider clock)
{
    /// <summary>The HTTP client (to the identity service) tokens are fetched with.</summary>
    public const string HttpClientName = "efa-service-tokens";

    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private (string Token, DateTimeOffset RenewAt)? _current;

    public async Task<string> GetAsync(CancellationToken cancellationToken)
    {
        if (_current is { } current && current.RenewAt > clock.GetUtcNow())
        {
            return current.Token;
        }

        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            if (_current is { } fresh && fresh.RenewAt > clock.GetUtcNow())
            {
                return fresh.Token;
            }

            var client = options.Value;
            using var http = httpClients.CreateClient(HttpClientName);
            using var response = await http.PostAsync("connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials", ["client_id"] = client.ClientId, ["client_secret"] = client.ClientSecret, ["scope"] = client.Scopes,
            }), cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new RpcException(new Status(StatusCode.Unavailable,
                    $"The identity service refused the service client {client.ClientId}: {(int)response.StatusCode}."));
            }

            var token = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken)
                        ?? throw new RpcException(new Status(StatusCode.Unavailable, "The identity service answered no token."));
            // Renewed at half its lifetime: a token never expires on its way to the service that checks it.
            _current = (token.AccessToken, clock.GetUtcNow().AddSeconds(Math.Max(1, token.ExpiresIn / 2)));
            return token.AccessToken;
        }
        finally
        {
            _refreshing.Release();
        }
    }

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);
}

public static class ServiceTokenExtensions
{
    /// <summary>The service's own machine client (section ServiceClient), fetching tokens from Authentication:Authority.</summary>
    public static IHostApplicationBuilder AddServiceTokens(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ServiceClientOptions>().Bind(builder.Configuration.GetSection(ServiceClientOptions.SectionName))
            .Validate(client => client.ClientId.Length > 0 && client.ClientSecret.Length > 0, "ServiceClient:ClientId and ServiceClient:ClientSecret are required.")
            .ValidateOnStart();
        // The same issuer as the one tokens are validated against (EfaAuthentication), else identity by service discovery.
        var authority = builder.Configuration[$"{EfaAuthenticationOptions.SectionName}:{nameof(EfaAuthenticationOptions.Authority)}"]
                        ?? builder.Configuration["services:identity:http:0"] ?? "http://identity";
        builder.Services.AddHttpClient(ServiceTokens.HttpClientName, http => http.BaseAddress = new Uri(authority.EndsWith('/') ? authority : authority + "/"));
        // One per process: its cached token is what spares the identity service a client-credentials grant per call.
        builder.Services.AddSingleton<ServiceTokens>();
        return builder;
    }

    /// <summary>Every call of this gRPC client carries the service's own token (plain http inside the platform, as every call).</summary>
    public static IHttpClientBuilder WithServiceToken(this IHttpClientBuilder client) => client
        .AddCallCredentials(async (context, metadata, services) =>
            metadata.Add("authorization", "Bearer " + await services.GetRequiredService<ServiceTokens>().GetAsync(context.CancellationToken)))
        .ConfigureChannel(channel => channel.UnsafeUseInsecureChannelCallCredentials = true);
}
