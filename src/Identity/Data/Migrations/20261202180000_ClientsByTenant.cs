using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EfaPlatform.Identity.Data.Migrations
{
    /// <summary>An index for listing a tenant's clients (ClientQueries); the model itself is unchanged.</summary>
    [DbContext(typeof(IdentityDb))]
    [Migration("20261202180000_ClientsByTenant")]
    public partial class ClientsByTenant : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder) =>
            migrationBuilder.Sql("""CREATE INDEX "IX_OpenIddictApplications_Tenant" ON "OpenIddictApplications" ((("Properties"::jsonb ->> 'efa_tenant')), "ClientId");""");

        protected override void Down(MigrationBuilder migrationBuilder) =>
            migrationBuilder.Sql("""DROP INDEX "IX_OpenIddictApplications_Tenant";""");
    }
}
