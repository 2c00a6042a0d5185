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
