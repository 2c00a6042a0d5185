using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace EfaPlatform.ServiceDefaults.Auth;

/// <summary>
/// Policy names usable on gRPC methods and REST endpoints alike: "role:tenant-admin,platform-admin" (any of the roles),
/// "acr:substantial" (at least that trust level). Tenant membership depends on the request's data and is checked in
/// the handler with <see cref="EfaClaims.CanActForTenant"/>.
/// </summary>
public static class EfaPolicies
{
    public const string RolePrefix = "role:";
    public const string TrustLevelPrefix = "acr:";

    public static string AnyRole(params string[] roles) => RolePrefix + string.Join(',', roles);

    public static string MinimumTrustLevel(TrustLevel level) => TrustLevelPrefix + level.Name();
}

internal sealed class EfaPolicyProvider(IOptions<AuthorizationOptions> options) : DefaultAuthorizationPolicyProvider(options)
{
    public override async Task<AuthorizationPolicy?> GetPolicyAsync(string policyName)
    {
        if (policyName.StartsWith(EfaPolicies.RolePrefix, StringComparison.Ordinal))
        {
            var roles = policyName[EfaPolicies.RolePrefix.Length..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return new AuthorizationPolicyBuilder(EfaAuthentication.Scheme).RequireAuthenticatedUser().RequireClaim(EfaClaims.Role, roles).Build();
        }

        if (policyName.StartsWith(EfaPolicies.TrustLevelPrefix, StringComparison.Ordinal))
        {
            var minimum = TrustLevels.Parse(policyName[EfaPolicies.TrustLevelPrefix.Length..])
                ?? throw new InvalidOperationException($"Unknown trust level in policy '{policyName}'.");
            return new AuthorizationPolicyBuilder(EfaAuthentication.Scheme).RequireAuthenticatedUser()
                .RequireAssertion(context => context.User.TrustLevelOf() >= minimum).Build();
        }

        return await base.GetPolicyAsync(policyName);
    }
}
