using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using EfaPlatform.AppHost.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace EfaPlatform.TestInfrastructure;

/// <summary>
/// A token issuer the tests control: it serves OpenID Connect discovery and a JWKS over real HTTP, and signs whatever
/// tokens a test needs, well-formed or broken in one chosen way. With a path such as "/realms/efa" it is shaped like Keycloak.
/// </summary>
public sealed class TestIssuer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly RsaSecurityKey _key;

    private TestIssuer(WebApplication app, string issuer, RsaSecurityKey key, bool keycloak)
    {
        _app = app;
        Issuer = issuer;
        _key = key;
        IsKeycloak = keycloak;
    }

    public string Issuer { get; }

    /// <summary>Shaped like a Keycloak realm: its access tokens say "typ": "Bearer" in the payload, not "at+jwt" in the header.</summary>
    public bool IsKeycloak { get; }

    public static async Task<TestIssuer> StartAsync(string path = "")
    {
        var port = Ports.FindFree();
        var issuer = $"http://127.0.0.1:{port}{path}";
        var key = new RsaSecurityKey(RSA.Create(2048)) { KeyId = Guid.NewGuid().ToString("N") };
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(key.Rsa.ExportParameters(false)) { KeyId = key.KeyId });
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.MapGet($"{path}/.well-known/openid-configuration", () => Results.Text(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["issuer"] = issuer,
            ["jwks_uri"] = $"{issuer}/.well-known/jwks",
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        }), "application/json"));
        app.MapGet($"{path}/.well-known/jwks", () => Results.Text(JsonSerializer.Serialize(new
        {
            keys = new[] { new { kty = jwk.Kty, use = "sig", kid = jwk.Kid, alg = "RS256", n = jwk.N, e = jwk.E } },
        }), "application/json"));
        await app.StartAsync();
        return new TestIssuer(app, issuer, key, keycloak: path.Length > 0);
    }

    /// <summary>
    /// A signed access token from this issuer; every property can be set wrong on purpose. <paramref name="type"/> is
    /// the header "typ" of a platform token ("at+jwt" unless given; an identity token says "JWT") or the payload "typ" of
    /// a Keycloak token ("Bearer" unless given; an identity token says "ID").
    /// </summary>
    public string Issue(
        IEnumerable<Claim> claims, string audience = "efa-api", string? issuer = null, DateTime? expires = null,
        SecurityKey? signingKey = null, IDictionary<string, object>? extraPayload = null, string? type = null)
    {
        var now = DateTime.UtcNow;
        var expiry = expires ?? now.AddMinutes(10);
        var payload = new Dictionary<string, object>(extraPayload ?? new Dictionary<string, object>(), StringComparer.Ordinal);
        if (IsKeycloak)
        {
            payload["typ"] = type ?? "Bearer";
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = expiry < now ? expiry.AddMinutes(-10) : now,
            NotBefore = expiry < now ? expiry.AddMinutes(-10) : now,
            Expires = expiry,
            SigningCredentials = new SigningCredentials(signingKey ?? _key, SecurityAlgorithms.RsaSha256),
            Claims = payload,
            TokenType = IsKeycloak ? "JWT" : type ?? "at+jwt",
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    /// <summary>The same payload without a signature, declared as alg "none".</summary>
    public static string Unsigned(string token)
    {
        var payload = token.Split('.')[1];
        return $"{Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""")}.{payload}.";
    }

    /// <summary>The token with one claim changed in its payload and the original signature kept.</summary>
    public static string Tampered(string token, string claim, string value)
    {
        var parts = token.Split('.');
        var payload = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Base64UrlEncoder.Decode(parts[1]))!;
        payload[claim] = JsonSerializer.SerializeToElement(value);
        return $"{parts[0]}.{Base64UrlEncoder.Encode(JsonSerializer.Serialize(payload))}.{parts[2]}";
    }

    public static SecurityKey UnknownKey() => new RsaSecurityKey(RSA.Create(2048)) { KeyId = "unknown-" + Guid.NewGuid().ToString("N") };

    /// <summary>
    /// A person's claims. Without <paramref name="acr"/>, administrators (tenant-admin, platform-admin) have signed in
    /// with a second factor ("substantial"), as administration requires; everybody else with a password ("low").
    /// </summary>
    public static Claim[] Person(string subject, string? tenant = null, string? role = null, string? acr = null)
    {
        acr ??= role is "tenant-admin" or "platform-admin" ? "substantial" : "low";
        var claims = new List<Claim> { new("sub", subject), new("acr", acr) };
        if (tenant is not null)
        {
            claims.Add(new Claim("tenant", tenant));
        }

        if (role is not null)
        {
            claims.Add(new Claim("role", role));
        }

        return [.. claims];
    }

    /// <summary>A machine client's claims (client credentials): no trust level, the role "client", its tenant and scopes.</summary>
    public static Claim[] Machine(string clientId, string tenant, string scope) =>
        [new("sub", clientId), new("tenant", tenant), new("role", "client"), new("scope", scope)];

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

}
