using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace EfaPlatform.ServiceDefaults.Auth;

/// <summary>
/// Policy names usable on gRPC methods and REST endpoints alike: "role:tenant-admin,platform-admin" (any of the roles),
/// "acr:substantial" (at least that trust level), "admin:tenant-admin,platform-admin" (staff administration: any of the
/// roles, signed in at least at <see cref="AdministrationTrustLevel"/>). Tenant membership depends on the request's data
/// and is checked in the handler with <see cref="EfaClaims.CanActForTenant"/>.
/// Every one of them, and a bare [Authorize], also requires the service's scope of a machine client
/// (<see cref="ServiceScopeRequirement"/>).
/// </summary>
public static class EfaPolicies
{
    public const string RolePrefix = "role:";
    public const string TrustLevelPrefix = "acr:";
    public const string AdministrationPrefix = "admin:";

    /// <summary>Administering tenants, staff, clients, activations and definitions: a person signed in with a second factor.</summary>
    public const TrustLevel AdministrationTrustLevel = TrustLevel.Substantial;

    /// <summary>What a tenant-admin does for their tenant (and an operator for any): staff, clients, activations, tenant details.</summary>
    public const string TenantAdministration = AdministrationPrefix + EfaClaims.PlatformAdmin + "," + EfaClaims.TenantAdmin;

    /// <summary>What only operators do: create, list and deactivate tenants, publish definitions.</summary>
    public const string PlatformAdministration = AdministrationPrefix + EfaClaims.PlatformAdmin;

    public static string AnyRole(params string[] roles) => RolePrefix + string.Join(',', roles);

    public static string MinimumTrustLevel(TrustLevel level) => TrustLevelPrefix + level.Name();

    public static string Administration(params string[] roles) => AdministrationPrefix + string.Join(',', roles);
}

/// <summary>
/// A machine client (a token without a person's trust level: client credentials) may call this service only with its
/// scope ("efa.forms"); people are bound by their roles and trust level instead. Its own handler.
/// </summary>
public sealed class ServiceScopeRequirement(string scope) : AuthorizationHandler<ServiceScopeRequirement>, IAuthorizationRequirement
{
    public string Scope { get; } = scope;

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ServiceScopeRequirement requirement)
    {
        if (context.User.IsPerson() || context.User.HasServiceScope(requirement.Scope))
        {
            context.Succeed(requirement);
        }
        else
        {
            context.Fail(new AuthorizationFailureReason(this, $"A machine client needs the scope {requirement.Scope} for this service."));
        }

        return Task.CompletedTask;
    }
}

internal sealed class EfaPolicyProvider(IOptions<AuthorizationOptions> options, ServiceScopeRequirement serviceScope)
    : DefaultAuthorizationPolicyProvider(options), IAuthorizationPolicyProvider
{
    // The base method is not virtual: re-implementing the interface puts the service scope into a bare [Authorize] too.
    public new async Task<AuthorizationPolicy> GetDefaultPolicyAsync() =>
        new AuthorizationPolicyBuilder(await base.GetDefaultPolicyAsync()).AddRequirements(serviceScope).Build();

    public override async Task<AuthorizationPolicy?> GetPolicyAsync(string policyName)
    {
        if (policyName.StartsWith(EfaPolicies.RolePrefix, StringComparison.Ordinal))
        {
            return Policy().RequireClaim(EfaClaims.Role, Roles(policyName, EfaPolicies.RolePrefix)).Build();
        }

        if (policyName.StartsWith(EfaPolicies.TrustLevelPrefix, StringComparison.Ordinal))
        {
            var minimum = TrustLevels.Parse(policyName[EfaPolicies.TrustLevelPrefix.Length..])
                ?? throw new InvalidOperationException($"Unknown trust level in policy '{policyName}'.");
            return Policy().RequireAssertion(context => context.User.TrustLevelOf() >= minimum).Build();
        }

        if (policyName.StartsWith(EfaPolicies.AdministrationPrefix, StringComparison.Ordinal))
        {
            // Machine clients carry no trust level, so they never administer; their role is "client" anyway.
            return Policy().RequireClaim(EfaClaims.Role, Roles(policyName, EfaPolicies.AdministrationPrefix))
                .RequireAssertion(context => context.User.TrustLevelOf() >= EfaPolicies.AdministrationTrustLevel).Build();
        }

        return await base.GetPolicyAsync(policyName);
    }

    private AuthorizationPolicyBuilder Policy() =>
        new AuthorizationPolicyBuilder(EfaAuthentication.Scheme).RequireAuthenticatedUser().AddRequirements(serviceScope);

    private static string[] Roles(string policyName, string prefix) =>
        policyName[prefix.Length..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
