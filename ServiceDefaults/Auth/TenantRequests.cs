using Grpc.Core;

namespace EfaPlatform.ServiceDefaults.Auth;

/// <summary>The tenant a request names in its path, checked against the caller before anything else of the request is used.</summary>
public static class TenantRequests
{
    /// <summary>
    /// <paramref name="tenantId"/> as a Guid when the caller may act for that tenant (a member, or a platform operator);
    /// otherwise a field error (not an id) or PERMISSION_DENIED with <paramref name="whyDenied"/>.
    /// </summary>
    public static Guid TenantTheCallerActsFor(this ServerCallContext context, string tenantId, string whyDenied)
    {
        if (!Guid.TryParse(tenantId, out var id))
        {
            new FieldErrors().Add("tenant_id", "must be a tenant id").ThrowIfAny();
        }

        return context.GetHttpContext().User.CanActForTenant(tenantId) ? id : throw FieldErrors.Denied(whyDenied);
    }
}
