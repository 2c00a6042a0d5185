using System.Collections.Concurrent;
using EfaPlatform.Contracts.Identity.V1;
using Grpc.Core;

namespace EfaPlatform.Routing.Authorities;

/// <summary>
/// A municipality's own ARS, the area a lookup without one and every submission to it are routed for. Read from the
/// identity service with routing's own token and kept: a tenant's ARS never changes.
/// </summary>
public sealed class TenantAreas(TenantsService.TenantsServiceClient identity)
{
    private readonly ConcurrentDictionary<Guid, string> _known = new();

    public async Task<string> ArsOfAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        if (_known.TryGetValue(tenantId, out var ars))
        {
            return ars;
        }

        try
        {
            var tenant = await identity.GetTenantAsync(new GetTenantRequest { TenantId = tenantId.ToString() },
                deadline: DateTime.UtcNow.AddSeconds(15), cancellationToken: cancellationToken);
            return _known[tenantId] = tenant.Ars;
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.NotFound or StatusCode.PermissionDenied or StatusCode.Unauthenticated)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"The identity service does not tell routing the municipality's ARS ({e.StatusCode})."));
        }
    }
}
