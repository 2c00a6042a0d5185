namespace EfaPlatform.ServiceDefaults.Auth;

/// <summary>Configuration section "Authentication": how this process validates the platform's own tokens.</summary>
public sealed class EfaAuthenticationOptions
{
    public const string SectionName = "Authentication";

    /// <summary>Where the identity service answers (metadata and keys); defaults to service discovery's identity http endpoint.</summary>
    public string? Authority { get; set; }

    /// <summary>The audience every platform access token carries.</summary>
    public string Audience { get; set; } = "efa-api";

    /// <summary>Secure by default; only a development AppHost turns it off for its loopback addresses.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;
}

/// <summary>
/// Configuration section "Keycloak" (the Keycloak adapter's key names): tokens of an external Keycloak realm are accepted
/// too when it is present, with realm and client roles mapped to the platform's "role" claim.
/// </summary>
public sealed class KeycloakOptions
{
    public const string SectionName = "Keycloak";

    /// <summary>Keycloak's base address, for example https://login.example.de/ (key auth-server-url).</summary>
    public string? AuthServerUrl { get; set; }

    /// <summary>The realm whose tokens are accepted.</summary>
    public string? Realm { get; set; }

    /// <summary>The client id whose client roles are mapped (key resource).</summary>
    public string? Resource { get; set; }

    /// <summary>The audience tokens must carry; defaults to <see cref="Resource"/>.</summary>
    public string? Audience { get; set; }

    /// <summary>Whether the audience is checked (key verify-token-audience); on by default.</summary>
    public bool VerifyTokenAudience { get; set; } = true;

    public bool RequireHttpsMetadata { get; set; } = true;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(AuthServerUrl) && !string.IsNullOrWhiteSpace(Realm);

    public string Issuer => $"{AuthServerUrl!.TrimEnd('/')}/realms/{Realm}";
}
