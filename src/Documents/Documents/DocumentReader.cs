using System.Security.Claims;
using EfaPlatform.ServiceDefaults.Auth;

namespace EfaPlatform.Documents.Documents;

/// <summary>
/// Whose documents a caller may read: their own uploads (citizens, organisations), the documents attached to their
/// tenant's submissions (caseworkers, tenant-admins, the tenant's machine clients), or those attached to any submission
/// (a platform service's machine client without a tenant, such as routing; it holds the documents scope, which every
/// call of a machine client needs). Platform-admins read none: documents are not theirs to see.
/// </summary>
public sealed record DocumentReader(string? OwnerSubject, Guid? Tenant, bool AnyTenant)
{
    public static DocumentReader Of(ClaimsPrincipal user)
    {
        var owner = user.HasRole(EfaClaims.Citizen) || user.HasRole(EfaClaims.Organisation) ? user.SubjectId() : null;
        var tenant = Guid.TryParse(user.TenantId(), out var id) ? id : (Guid?)null;
        var staff = user.HasRole(EfaClaims.Caseworker) || user.HasRole(EfaClaims.TenantAdmin);
        var machine = !user.IsPerson();
        return new DocumentReader(owner, staff || machine ? tenant : null, machine && tenant is null);
    }
}
