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

    /// <summary>The header "typ" of an access token (RFC 9068); the platform issues nothing else as a bearer token.</summary>
    private static readonly string[] AccessTokenTypes = ["at+jwt", "application/at+jwt"];

    /// <summary>
    /// JWT bearer validation of the platform's access tokens (from the identity service found through service discovery
    /// or Authentication:Authority) and, when section Keycloak is set, of an external Keycloak realm's; plus the
    /// platform's authorization policies (<see cref="EfaPolicies"/>) with this service's scope for machine clients.
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
                // Only access tokens (RFC 9068); an identity token of the same issuer says "JWT".
                jwt.TokenValidationParameters.ValidTypes = AccessTokenTypes;
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
                jwt.TokenValidationParameters.TypeValidator = (type, token, _) => ValidateKeycloakTokenType(type, token);
                jwt.Events = new JwtBearerEvents { OnTokenValidated = context => AdoptKeycloakToken(context, keycloak) };
            });
        }

        var scope = string.IsNullOrWhiteSpace(platform.Scope) ? DefaultScope(builder.Environment.ApplicationName) : platform.Scope;
        builder.Services.AddSingleton(new ServiceScopeRequirement(scope));
        builder.Services.AddSingleton<IAuthorizationPolicyProvider, EfaPolicyProvider>();
        builder.Services.AddAuthorizationBuilder()
            .SetDefaultPolicy(new AuthorizationPolicyBuilder(Scheme).RequireAuthenticatedUser().Build());
        return builder;
    }

    /// <summary>"efa." and the service's name: the last part of the application name, in lower case (EfaPlatform.Forms → efa.forms).</summary>
    public static string DefaultScope(string applicationName) =>
        "efa." + ServiceName.Of(applicationName);

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

        foreach (var (keycloakRole, platformRole) in options.RoleMap)
        {
            if (!EfaClaims.Roles.Contains(platformRole, StringComparer.Ordinal))
            {
                throw new InvalidOperationException(
                    $"Keycloak:RoleMap:{keycloakRole} is '{platformRole}', which is not a platform role: use one of {string.Join(", ", EfaClaims.Roles)}.");
            }
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

    /// <summary>
    /// Keycloak marks its access tokens in the payload ("typ": "Bearer"; identity tokens say "ID", refresh tokens
    /// "Refresh") and, when asked to follow RFC 9068, in the header ("at+jwt"). Anything else is refused.
    /// </summary>
    private static string ValidateKeycloakTokenType(string? type, SecurityToken securityToken)
    {
        if (type is not null && AccessTokenTypes.Contains(type, StringComparer.OrdinalIgnoreCase))
        {
            return type;
        }

        if (securityToken is JsonWebToken token && token.TryGetPayloadValue<string>("typ", out var payloadType)
            && string.Equals(payloadType, "Bearer", StringComparison.Ordinal))
        {
            return "Bearer";
        }

        throw new SecurityTokenInvalidTypeException("Only Keycloak access tokens are accepted, not identity or refresh tokens.") { InvalidType = type ?? "" };
    }

    /// <summary>
    /// A Keycloak subject becomes "kc:{sub}", so that it can never be taken for a platform account id; realm roles and
    /// the client roles of <see cref="KeycloakOptions.Resource"/> become platform roles only as
    /// <see cref="KeycloakOptions.RoleMap"/> says, and role claims the token carries itself are dropped.
    /// </summary>
    private static Task AdoptKeycloakToken(TokenValidatedContext context, KeycloakOptions keycloak)
    {
        if (context.Principal?.Identity is not ClaimsIdentity identity || context.SecurityToken is not JsonWebToken token
            || identity.FindFirst(EfaClaims.Subject) is not { } subject)
        {
            context.Fail("The Keycloak token names no subject.");
            return Task.CompletedTask;
        }

        identity.TryRemoveClaim(subject);
        identity.AddClaim(new Claim(EfaClaims.Subject, KeycloakOptions.SubjectPrefix + subject.Value, subject.ValueType, subject.Issuer));
        foreach (var role in identity.FindAll(EfaClaims.Role).ToList())
        {
            identity.TryRemoveClaim(role);
        }

        var roles = new List<string>();
        if (token.TryGetPayloadValue<JsonElement>("realm_access", out var realm) && realm.TryGetProperty("roles", out var realmRoles))
        {
            roles.AddRange(realmRoles.EnumerateArray().Select(r => r.GetString() ?? ""));
        }

        if (keycloak.Resource is not null && token.TryGetPayloadValue<JsonElement>("resource_access", out var access)
            && access.TryGetProperty(keycloak.Resource, out var client) && client.TryGetProperty("roles", out var clientRoles))
        {
            roles.AddRange(clientRoles.EnumerateArray().Select(r => r.GetString() ?? ""));
        }

        var mapped = roles.Select(role => keycloak.RoleMap.GetValueOrDefault(role)).OfType<string>().Distinct(StringComparer.Ordinal);
        foreach (var role in mapped)
        {
            identity.AddClaim(new Claim(EfaClaims.Role, role));
        }

        return Task.CompletedTask;
    }
}
