using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace EfaPlatform.Identity.Data;

/// <summary>The identity service's database: tenants, accounts, keys, Data Protection keys and OpenIddict's tables.</summary>
public sealed class IdentityDb(DbContextOptions<IdentityDb> options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<Tenant> Tenants => Set<Tenant>();

    public DbSet<Account> Accounts => Set<Account>();

    public DbSet<SigningKey> SigningKeys => Set<SigningKey>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.UseOpenIddict();

        modelBuilder.Entity<Tenant>(tenant =>
        {
            tenant.ToTable("tenants");
            tenant.HasIndex(t => t.Slug).IsUnique();
            tenant.HasIndex(t => t.Ars).IsUnique();
            tenant.Property(t => t.Slug).HasMaxLength(63);
            tenant.Property(t => t.Ars).HasMaxLength(12).IsFixedLength();
            tenant.Property(t => t.DisplayName).HasMaxLength(200);
            tenant.Property(t => t.ContactEmail).HasMaxLength(254);
        });

        modelBuilder.Entity<Account>(account =>
        {
            account.ToTable("accounts");
            account.HasIndex(a => a.Email).IsUnique();
            account.HasIndex(a => a.TenantId);
            account.Property(a => a.Email).HasMaxLength(254);
            account.Property(a => a.DisplayName).HasMaxLength(200);
            account.Property(a => a.Kind).HasConversion<string>().HasMaxLength(20);
            account.HasOne<Tenant>().WithMany().HasForeignKey(a => a.TenantId);
        });

        modelBuilder.Entity<SigningKey>(key =>
        {
            key.ToTable("signing_keys");
            key.Property(k => k.Use).HasConversion<string>().HasMaxLength(20);
        });

        modelBuilder.Entity<DataProtectionKey>().ToTable("data_protection_keys");
    }
}
