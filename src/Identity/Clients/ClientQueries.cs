using EfaPlatform.Identity.Data;
using Microsoft.EntityFrameworkCore;
using OpenIddict.EntityFrameworkCore.Models;

namespace EfaPlatform.Identity.Clients;

/// <summary>
/// Reads of OpenIddict's application table that its manager cannot do without loading every client. The tenant is the
/// property efa_tenant (ConnectEndpoints.TenantProperty) inside the JSON column "Properties"; it is written as a literal
/// so that the expression index of migration ClientsByTenant applies.
/// </summary>
internal static class ClientQueries
{
    public static IQueryable<OpenIddictEntityFrameworkCoreApplication> ClientsOfTenant(this IdentityDb db, Guid tenantId, string afterClientId, int count) =>
        db.Set<OpenIddictEntityFrameworkCoreApplication>()
            .FromSql($"""SELECT * FROM "OpenIddictApplications" WHERE ("Properties"::jsonb ->> 'efa_tenant') = {tenantId.ToString()}""")
            .AsNoTracking()
            .Where(a => afterClientId == "" || string.Compare(a.ClientId, afterClientId) > 0)
            .OrderBy(a => a.ClientId)
            .Take(count);
}
