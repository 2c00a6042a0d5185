using System.Security.Claims;
using EfaPlatform.ServiceDefaults.Auth;

namespace EfaPlatform.Documents.Documents;

/// <summary>
/// Whose documents a caller may read: their own uploads and the documents of messages sent to them (citizens,
/// organisations); their tenant's issued documents and the documents attached to its submissions (caseworkers,
/// tenant-admins, the tenant's machine clients); or those attached to any submission (a platform service's own client,
/// role service and no tenant, such as routing; it holds the documents scope, which every call of a machine client needs).
/// Platform-admins read none: documents are not theirs to see.
/// </summary>
public sealed record DocumentReader(string? OwnerSubject, Guid? Tenant, bool AnyTenant)
{
    /// <summary>The owner of documents a tenant issues (its staff and machine clients upload them).</summary>
    public static string TenantOwner(Guid tenantId) => $"tenant:{tenantId}";

    /// <summary>
    /// Who uploads, the same over HTTP, tus and gRPC: citizens and organisations their files, a municipality's staff and
    /// machine clients the documents it issues.
    /// </summary>
    public const string UploaderPolicy = EfaPolicies.RolePrefix + EfaClaims.Citizen + "," + EfaClaims.Organisation + ","
                                         + EfaClaims.Caseworker + "," + EfaClaims.TenantAdmin + "," + EfaClaims.MachineClient;

    public const string NotAnUploader = "Only citizens, organisations and a municipality's staff and machine clients upload documents.";

    /// <summary>The refusal of a file over the platform's limit, the same for every way of uploading.</summary>
    public static string TooLarge(long limit) => $"The file may have at most {limit.ToString(System.Globalization.CultureInfo.InvariantCulture)} bytes.";

    /// <summary>Who owns what the caller uploads: a citizen or organisation themselves, staff and machine clients their tenant; null for anybody else.</summary>
    public static string? UploaderOf(ClaimsPrincipal user)
    {
        var reader = Of(user);
        return reader.OwnerSubject ?? (reader.Tenant is { } tenant ? TenantOwner(tenant) : null);
    }

    public static DocumentReader Of(ClaimsPrincipal user)
    {
        var owner = user.HasRole(EfaClaims.Citizen) || user.HasRole(EfaClaims.Organisation) ? user.SubjectId() : null;
        var tenant = Guid.TryParse(user.TenantId(), out var id) ? id : (Guid?)null;
        var staff = user.HasRole(EfaClaims.Caseworker) || user.HasRole(EfaClaims.TenantAdmin);
        var machine = !user.IsPerson();
        // Only the platform's own service client (role service, which no external realm can map to) reads across tenants.
        return new DocumentReader(owner, staff || machine ? tenant : null, machine && tenant is null && user.HasRole(EfaClaims.PlatformService));
    }
}
