using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace EfaPlatform.Identity.Data;

/// <summary>Lets `dotnet ef migrations add` build the model without starting the service (it connects to nothing).</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<IdentityDb>
{
    public IdentityDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<IdentityDb>().UseNpgsql("Host=design-time-only").UseOpenIddict().Options);
}
