using EfaPlatform.ServiceDefaults;
using EfaPlatform.Identity.Data;
using EfaPlatform.Identity.Validation;
using EfaPlatform.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;

namespace EfaPlatform.Identity.Tenants;

internal static class TenantAccess
{
    /// <summary>
    /// The tenant, when the caller may administer it (a platform-admin, or a tenant-admin of that tenant); otherwise
    /// PERMISSION_DENIED, whether or not such a tenant exists, so other tenants cannot be probed.
    /// </summary>
    public static async Task<Tenant> AdministeredTenantAsync(this IdentityDb db, ServerCallContext context, string? tenantId)
    {
        var user = context.GetHttpContext().User;
        var id = Checks.Id(tenantId);
        var allowed = user.HasRole(EfaClaims.PlatformAdmin)
                      || (user.HasRole(EfaClaims.TenantAdmin) && id is not null && user.CanActForTenant(id.Value.ToString()));
        if (id is null)
        {
            throw FieldErrors.NotFound("The tenant");
        }

        if (!allowed)
        {
            throw FieldErrors.Denied("You may not administer this tenant.");
        }

        return await db.Tenants.SingleOrDefaultAsync(t => t.Id == id, context.CancellationToken) ?? throw FieldErrors.NotFound("The tenant");
    }
}
