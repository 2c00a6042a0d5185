using System.Text.Json;
using EfaPlatform.Identity.Accounts;
using EfaPlatform.Identity.Connect;
using EfaPlatform.Identity.Data;
using EfaPlatform.ServiceDefaults.Auth;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace EfaPlatform.Identity.Seeding;

/// <summary>A first-party web front end (public client, authorization code with PKCE), declared in configuration.</summary>
public sealed class WebClientOptions
{
    public string ClientId { get; set; } = "";

    public string DisplayName { get; set; } = "";

    public List<string> RedirectUris { get; set; } = [];

    public List<string> PostLogoutRedirectUris { get; set; } = [];
}

/// <summary>A platform service's own machine client (client credentials, no tenant, role "service"), declared in configuration.</summary>
public sealed class ServiceClientDeclaration
{
    public string ClientId { get; set; } = "";

    public string ClientSecret { get; set; } = "";

    /// <summary>The APIs it calls, for example efa.forms and efa.documents.</summary>
    public List<string> Scopes { get; set; } = [];
}

/// <summary>Development data: a tenant with an admin, a caseworker, a citizen, an operator (both with TOTP) and a machine client.</summary>
public sealed class DevelopmentSeedOptions
{
    public bool Enabled { get; set; }

    /// <summary>Password of every seeded person; given by the AppHost, never logged.</summary>
    public string Password { get; set; } = "";

    public string ClientId { get; set; } = "heidelberg-fachverfahren";

    /// <summary>Id of the development tenant when it is created, so that other services' seeds can name it.</summary>
    public Guid? TenantId { get; set; }

    public string ClientSecret { get; set; } = "";

    /// <summary>
    /// Base32 TOTP secret of the seeded operator and tenant-admin, given by the AppHost: administration needs trust level
    /// substantial, so they sign in with password and code. Not set on an account that has a second factor already.
    /// </summary>
    public string TotpSecret { get; set; } = "";
}

/// <summary>What the migration step puts in place besides the schema: web clients from configuration, development data.</summary>
public static partial class Provisioning
{
    public const string DevelopmentTenantSlug = "heidelberg";
    private const string OperatorEmail = "operator@efa.example";
    private const string TenantAdminEmail = "admin@heidelberg.example";

    public static async Task RunAsync(IServiceProvider services, IConfiguration configuration, ILogger logger, CancellationToken cancellationToken)
    {
        var applications = services.GetRequiredService<IOpenIddictApplicationManager>();
        foreach (var web in configuration.GetSection("Identity:WebClients").Get<List<WebClientOptions>>() ?? [])
        {
            await UpsertWebClientAsync(applications, web, cancellationToken);
        }

        foreach (var service in configuration.GetSection("Identity:ServiceClients").Get<List<ServiceClientDeclaration>>() ?? [])
        {
            await UpsertServiceClientAsync(applications, service, cancellationToken);
        }

        var seed = configuration.GetSection("Identity:Seed").Get<DevelopmentSeedOptions>() ?? new();
        if (seed.Enabled)
        {
            await SeedDevelopmentDataAsync(services.GetRequiredService<IdentityDb>(), applications, seed, cancellationToken);
            await SeedAdministratorsTotpAsync(services.GetRequiredService<IdentityDb>(), services.GetRequiredService<IDataProtectionProvider>(), seed, cancellationToken);
            LogSeeded(logger, DevelopmentTenantSlug);
        }
    }

    private static async Task UpsertServiceClientAsync(IOpenIddictApplicationManager applications, ServiceClientDeclaration service, CancellationToken cancellationToken)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = service.ClientId, ClientSecret = service.ClientSecret, ClientType = ClientTypes.Confidential, DisplayName = $"Platform service {service.ClientId}",
            Permissions = { Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials },
        };
        foreach (var scope in service.Scopes.Where(PlatformScopes.Apis.Contains))
        {
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        }

        descriptor.Properties[ConnectEndpoints.ServiceProperty] = JsonSerializer.SerializeToElement(true);
        descriptor.Properties[ConnectEndpoints.RolesProperty] = JsonSerializer.SerializeToElement(new[] { EfaClaims.PlatformService });
        descriptor.Properties[ConnectEndpoints.ActiveProperty] = JsonSerializer.SerializeToElement(true);
        var existing = await applications.FindByClientIdAsync(service.ClientId, cancellationToken);
        if (existing is null)
        {
            await applications.CreateAsync(descriptor, cancellationToken);
        }
        else
        {
            await applications.UpdateAsync(existing, descriptor, cancellationToken);
        }
    }

    private static async Task UpsertWebClientAsync(IOpenIddictApplicationManager applications, WebClientOptions web, CancellationToken cancellationToken)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = web.ClientId,
            DisplayName = web.DisplayName,
            ClientType = ClientTypes.Public,
            ConsentType = ConsentTypes.Implicit,
            Permissions =
            {
                Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.Endpoints.EndSession, Permissions.Endpoints.Revocation,
                Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken, Permissions.ResponseTypes.Code,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        foreach (var scope in PlatformScopes.All)
        {
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        }

        descriptor.RedirectUris.UnionWith(web.RedirectUris.Select(uri => new Uri(uri)));
        descriptor.PostLogoutRedirectUris.UnionWith(web.PostLogoutRedirectUris.Select(uri => new Uri(uri)));
        descriptor.Properties[ConnectEndpoints.ActiveProperty] = JsonSerializer.SerializeToElement(true);
        var existing = await applications.FindByClientIdAsync(web.ClientId, cancellationToken);
        if (existing is null)
        {
            await applications.CreateAsync(descriptor, cancellationToken);
        }
        else
        {
            await applications.UpdateAsync(existing, descriptor, cancellationToken);
        }
    }

    private static async Task SeedDevelopmentDataAsync(
        IdentityDb db, IOpenIddictApplicationManager applications, DevelopmentSeedOptions seed, CancellationToken cancellationToken)
    {
        var tenant = await db.Tenants.SingleOrDefaultAsync(t => t.Slug == DevelopmentTenantSlug, cancellationToken);
        if (tenant is null)
        {
            tenant = new Tenant
            {
                Id = seed.TenantId ?? Guid.CreateVersion7(), Slug = DevelopmentTenantSlug, DisplayName = "Stadt Heidelberg (Entwicklung)",
                Ars = "082210000000", ContactEmail = "buergerservice@heidelberg.example", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
            };
            db.Tenants.Add(tenant);
        }

        await EnsureAccountAsync(db, OperatorEmail, "Plattformbetrieb", AccountKind.Operator, null, EfaClaims.PlatformAdmin, seed.Password, cancellationToken);
        await EnsureAccountAsync(db, TenantAdminEmail, "Verwaltung Heidelberg", AccountKind.Staff, tenant.Id, EfaClaims.TenantAdmin, seed.Password, cancellationToken);
        await EnsureAccountAsync(db, "sachbearbeitung@heidelberg.example", "Sachbearbeitung Heidelberg", AccountKind.Staff, tenant.Id, EfaClaims.Caseworker, seed.Password, cancellationToken);
        await EnsureAccountAsync(db, "erika@buerger.example", "Erika Mustermann", AccountKind.Citizen, null, EfaClaims.Citizen, seed.Password, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);

        if (await applications.FindByClientIdAsync(seed.ClientId, cancellationToken) is null)
        {
            var descriptor = new OpenIddictApplicationDescriptor
            {
                ClientId = seed.ClientId, ClientSecret = seed.ClientSecret, ClientType = ClientTypes.Confidential, DisplayName = "Fachverfahren Heidelberg (Entwicklung)",
                Permissions = { Permissions.Endpoints.Token, Permissions.Endpoints.Revocation, Permissions.Endpoints.Introspection, Permissions.GrantTypes.ClientCredentials },
            };
            foreach (var scope in PlatformScopes.Apis)
            {
                descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
            }

            descriptor.Properties[ConnectEndpoints.TenantProperty] = JsonSerializer.SerializeToElement(tenant.Id.ToString());
            descriptor.Properties[ConnectEndpoints.RolesProperty] = JsonSerializer.SerializeToElement(new[] { "client" });
            descriptor.Properties[ConnectEndpoints.ActiveProperty] = JsonSerializer.SerializeToElement(true);
            await applications.CreateAsync(descriptor, cancellationToken);
        }
    }

    private static async Task SeedAdministratorsTotpAsync(
        IdentityDb db, IDataProtectionProvider dataProtection, DevelopmentSeedOptions seed, CancellationToken cancellationToken)
    {
        if (seed.TotpSecret.Length == 0)
        {
            return;
        }

        // The purpose Accounts.Totp protects secrets with.
        var protector = dataProtection.CreateProtector(Accounts.Totp.ProtectionPurpose);
        var administrators = await db.Accounts
            .Where(a => (a.Email == OperatorEmail || a.Email == TenantAdminEmail) && !a.TotpEnabled)
            .ToListAsync(cancellationToken);
        foreach (var administrator in administrators)
        {
            administrator.ProtectedTotpSecret = protector.Protect(seed.TotpSecret);
            administrator.TotpEnabled = true;
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    private static async Task EnsureAccountAsync(
        IdentityDb db, string email, string name, AccountKind kind, Guid? tenantId, string role, string password, CancellationToken cancellationToken)
    {
        if (await db.Accounts.AnyAsync(a => a.Email == email, cancellationToken))
        {
            return;
        }

        db.Accounts.Add(NewAccount.Create(kind, tenantId, email, name, role, password, DateTimeOffset.UtcNow));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Development data in place (tenant {Tenant})")]
    private static partial void LogSeeded(ILogger logger, string tenant);
}
