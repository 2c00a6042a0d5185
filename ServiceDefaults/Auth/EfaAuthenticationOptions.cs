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

    /// <summary>
    /// The scope a machine client needs to call this service ("efa.forms"); defaults to "efa." and the service's name,
    /// the last part of the application name in lower case (EfaPlatform.Forms → efa.forms).
    /// </summary>
    public string? Scope { get; set; }
}

/// <summary>
/// Configuration section "Keycloak" (the Keycloak adapter's key names): access tokens of an external Keycloak realm are
/// accepted too when it is present. Their subjects become "kc:{sub}", and only the realm and client roles named in
/// <see cref="RoleMap"/> become platform roles.
/// </summary>
public sealed class KeycloakOptions
{
    public const string SectionName = "Keycloak";

    /// <summary>What a Keycloak subject is prefixed with, so that it never equals a platform account id.</summary>
    public const string SubjectPrefix = "kc:";

    /// <summary>Keycloak's base address, for example https://login.example.de/ (key auth-server-url).</summary>
    public string? AuthServerUrl { get; set; }

    /// <summary>The realm whose tokens are accepted.</summary>
    public string? Realm { get; set; }

    /// <summary>The client id whose client roles are read (key resource).</summary>
    public string? Resource { get; set; }

    /// <summary>The audience tokens must carry; defaults to <see cref="Resource"/>.</summary>
    public string? Audience { get; set; }

    /// <summary>Whether the audience is checked (key verify-token-audience); on by default.</summary>
    public bool VerifyTokenAudience { get; set; } = true;

    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>
    /// Keycloak role → platform role (Keycloak:RoleMap:{keycloak-role}={platform-role}), for realm and client roles alike.
    /// A role not named here gives nothing; role claims the token carries itself are dropped.
    /// </summary>
    public Dictionary<string, string> RoleMap { get; set; } = new(StringComparer.Ordinal);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(AuthServerUrl) && !string.IsNullOrWhiteSpace(Realm);

    public string Issuer => $"{AuthServerUrl!.TrimEnd('/')}/realms/{Realm}";
}
