using System.Security.Claims;

namespace EfaPlatform.ServiceDefaults.Auth;

/// <summary>The claims every platform token carries, and what they mean.</summary>
public static class EfaClaims
{
    public const string Subject = "sub";
    public const string Tenant = "tenant";
    public const string Role = "role";
    public const string TrustLevel = "acr";
    public const string Scope = "scope";

    public const string PlatformAdmin = "platform-admin";
    public const string TenantAdmin = "tenant-admin";
    public const string Caseworker = "caseworker";
    public const string Citizen = "citizen";
    public const string Organisation = "organisation";

    /// <summary>The role of a tenant's machine client (client credentials).</summary>
    public const string MachineClient = "client";

    /// <summary>The role of a platform service's own machine client (no tenant), see ServiceClientOptions.</summary>
    public const string PlatformService = "service";

    /// <summary>Every role a person or a tenant's client may carry (and an external realm may map to; never <see cref="PlatformService"/>).</summary>
    public static readonly IReadOnlyList<string> Roles = [PlatformAdmin, TenantAdmin, Caseworker, Citizen, Organisation, MachineClient];

    public static string? SubjectId(this ClaimsPrincipal user) => user.FindFirst(Subject)?.Value;

    public static string? TenantId(this ClaimsPrincipal user) => user.FindFirst(Tenant)?.Value;

    public static bool HasRole(this ClaimsPrincipal user, string role) => user.HasClaim(Role, role);

    /// <summary>Whether the caller belongs to <paramref name="tenantId"/> (staff and machine clients carry their tenant).</summary>
    public static bool IsMemberOf(this ClaimsPrincipal user, string tenantId) =>
        string.Equals(user.TenantId(), tenantId, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether the caller may act for <paramref name="tenantId"/>: a member of that tenant, or a platform operator.</summary>
    public static bool CanActForTenant(this ClaimsPrincipal user, string tenantId) =>
        user.HasRole(PlatformAdmin) || user.IsMemberOf(tenantId);

    public static TrustLevel? TrustLevelOf(this ClaimsPrincipal user) =>
        TrustLevels.Parse(user.FindFirst(TrustLevel)?.Value);

    /// <summary>
    /// Whether a person signed in (the token carries a platform trust level); otherwise it is a machine client (client
    /// credentials), which is bound by its scopes.
    /// </summary>
    public static bool IsPerson(this ClaimsPrincipal user) => user.TrustLevelOf() is not null;

    /// <summary>Whether the token grants <paramref name="scope"/> (claim "scope": space-separated, or one claim per scope).</summary>
    public static bool HasServiceScope(this ClaimsPrincipal user, string scope) =>
        user.FindAll(Scope).Any(claim => claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(scope, StringComparer.Ordinal));
}

/// <summary>eIDAS / BundID trust levels, in increasing order.</summary>
public enum TrustLevel
{
    Low = 1,
    Substantial = 2,
    High = 3,
}

public static class TrustLevels
{
    public static TrustLevel? Parse(string? value) => value switch
    {
        "low" => TrustLevel.Low,
        "substantial" => TrustLevel.Substantial,
        "high" => TrustLevel.High,
        _ => null,
    };

    public static string Name(this TrustLevel level) => level.ToString().ToLowerInvariant();
}
