using EfaPlatform.Identity.Data;
using Microsoft.EntityFrameworkCore;
using OpenIddict.EntityFrameworkCore.Models;

namespace EfaPlatform.Identity.Clients;

/// <summary>
/// Reads of OpenIddict's application table that its manager cannot do without loading every client. The tenant is the
/// property efa_tenant (ConnectEndpoints.TenantProperty) inside the JSON column "Properties"; the property name is
/// written out (not a parameter) so that the expression index of migration ClientsByTenant applies.
/// </summary>
internal static class ClientQueries
{
    public static IQueryable<OpenIddictEntityFrameworkCoreApplication> ClientsOfTenant(this IdentityDb db, Guid tenantId, string? afterClientId, int count)
    {
        var clients = db.Set<OpenIddictEntityFrameworkCoreApplication>()
            .FromSql($"""SELECT * FROM "OpenIddictApplications" WHERE ("Properties"::jsonb ->> 'efa_tenant') = {tenantId.ToString()}""")
            .AsNoTracking();
        if (afterClientId is not null)
        {
            clients = clients.Where(a => string.Compare(a.ClientId, afterClientId) > 0);
        }

        return clients.OrderBy(a => a.ClientId).Take(count);
    }
}
