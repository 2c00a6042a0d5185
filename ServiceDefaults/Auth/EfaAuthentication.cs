using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace EfaPlatform.ServiceDefaults.Auth;

public static class EfaAuthentication
{
    /// <summary>The scheme services and the gateway authenticate with; it picks the platform's or Keycloak's validation by issuer.</summary>
    public const string Scheme = "efa";
    public const string PlatformScheme = "efa-identity";
    public const string KeycloakScheme = "keycloak";

    public static readonly TimeSpan KeyRefreshInterval = TimeSpan.FromSeconds(30);

    private static readonly string[] AllowedAlgorithms =
        [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.EcdsaSha256];

    /// <summary>
    /// JWT bearer validation of the platform's tokens (from the identity service found through service discovery or
    /// Authentication:Authority) and, when section Keycloak is set, of an external Keycloak realm's; plus the
    /// platform's authorization policies (<see cref="EfaPolicies"/>).
    /// </summary>
    public static IHostApplicationBuilder AddEfaAuthentication(this IHostApplicationBuilder builder)
    {
        var platform = builder.Configuration.GetSection(EfaAuthenticationOptions.SectionName).Get<EfaAuthenticationOptions>() ?? new();
        platform.Authority ??= builder.Configuration["services:identity:http:0"];
        var keycloak = ReadKeycloak(builder.Configuration);
        if (string.IsNullOrWhiteSpace(platform.Authority) && !keycloak.IsConfigured)
        {
            throw new InvalidOperationException(
                "No token issuer is configured: set Authentication__Authority or services__identity__http__0 (the identity service), or the Keycloak section.");
        }

        var fallbackScheme = string.IsNullOrWhiteSpace(platform.Authority) ? KeycloakScheme : PlatformScheme;
        var authentication = builder.Services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "Platform or Keycloak bearer token", policy =>
                policy.ForwardDefaultSelector = context => SelectScheme(context.Request.Headers.Authorization.ToString(), keycloak, fallbackScheme));

        if (!string.IsNullOrWhiteSpace(platform.Authority))
        {
            authentication.AddJwtBearer(PlatformScheme, jwt =>
            {
                jwt.Authority = platform.Authority;
                jwt.RequireHttpsMetadata = platform.RequireHttpsMetadata;
                // A token with a key id not seen yet makes the published keys be fetched again, at most this often.
                jwt.RefreshInterval = KeyRefreshInterval;
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters = Parameters(platform.Audience, validateAudience: true);
            });
        }

        if (keycloak.IsConfigured)
        {
            authentication.AddJwtBearer(KeycloakScheme, jwt =>
            {
                jwt.Authority = keycloak.Issuer;
                jwt.RequireHttpsMetadata = keycloak.RequireHttpsMetadata;
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters = Parameters(keycloak.Audience ?? keycloak.Resource, keycloak.VerifyTokenAudience);
                jwt.Events = new JwtBearerEvents { OnTokenValidated = context => MapKeycloakRoles(context, keycloak.Resource) };
            });
        }

        builder.Services.AddSingleton<IAuthorizationPolicyProvider, EfaPolicyProvider>();
        builder.Services.AddAuthorizationBuilder()
            .SetDefaultPolicy(new AuthorizationPolicyBuilder(Scheme).RequireAuthenticatedUser().Build());
        return builder;
    }

    private static TokenValidationParameters Parameters(string? audience, bool validateAudience) => new()
    {
        ValidateIssuer = true,
        ValidateAudience = validateAudience,
        ValidAudience = audience,
        ValidateLifetime = true,
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ValidAlgorithms = AllowedAlgorithms,
        ClockSkew = TimeSpan.FromSeconds(30),
        NameClaimType = EfaClaims.Subject,
        RoleClaimType = EfaClaims.Role,
    };

    private static KeycloakOptions ReadKeycloak(IConfiguration configuration)
    {
        var section = configuration.GetSection(KeycloakOptions.SectionName);
        var options = section.Get<KeycloakOptions>() ?? new();
        // The Keycloak adapter's own key names.
        options.AuthServerUrl ??= section["auth-server-url"];
        options.Resource ??= section["resource"];
        if (bool.TryParse(section["verify-token-audience"], out var verify))
        {
            options.VerifyTokenAudience = verify;
        }

        return options;
    }

    /// <summary>A token whose issuer is the Keycloak realm goes to Keycloak's validation, every other to the platform's.</summary>
    private static string SelectScheme(string authorization, KeycloakOptions keycloak, string fallbackScheme)
    {
        if (!keycloak.IsConfigured || !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return fallbackScheme;
        }

        try
        {
            var issuer = new JsonWebToken(authorization["Bearer ".Length..].Trim()).Issuer;
            return string.Equals(issuer, keycloak.Issuer, StringComparison.Ordinal) ? KeycloakScheme : fallbackScheme;
        }
        catch (ArgumentException)
        {
            return fallbackScheme;
        }
    }

    /// <summary>Keycloak puts roles in realm_access.roles and resource_access.{client}.roles; the platform reads "role".</summary>
    private static Task MapKeycloakRoles(TokenValidatedContext context, string? resource)
    {
        if (context.Principal?.Identity is not ClaimsIdentity identity || context.SecurityToken is not JsonWebToken token)
        {
            return Task.CompletedTask;
        }

        var roles = new List<string>();
        if (token.TryGetPayloadValue<JsonElement>("realm_access", out var realm) && realm.TryGetProperty("roles", out var realmRoles))
        {
            roles.AddRange(realmRoles.EnumerateArray().Select(r => r.GetString()!));
        }

        if (resource is not null && token.TryGetPayloadValue<JsonElement>("resource_access", out var access)
            && access.TryGetProperty(resource, out var client) && client.TryGetProperty("roles", out var clientRoles))
        {
            roles.AddRange(clientRoles.EnumerateArray().Select(r => r.GetString()!));
        }

        foreach (var role in roles.Distinct().Where(role => !identity.HasClaim(EfaClaims.Role, role)))
        {
            identity.AddClaim(new Claim(EfaClaims.Role, role));
        }

        return Task.CompletedTask;
    }
}
