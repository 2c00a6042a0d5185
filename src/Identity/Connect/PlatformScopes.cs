using OpenIddict.Abstractions;

namespace EfaPlatform.Identity.Connect;

/// <summary>The scopes a client may be given: one per service API, plus the OpenID Connect ones.</summary>
public static class PlatformScopes
{
    public static readonly IReadOnlyList<string> Apis = ["efa.identity", "efa.forms", "efa.payment", "efa.documents", "efa.routing"];

    public static readonly IReadOnlyList<string> All =
    [
        OpenIddictConstants.Scopes.OpenId, OpenIddictConstants.Scopes.Profile, OpenIddictConstants.Scopes.Email,
        OpenIddictConstants.Scopes.OfflineAccess, .. Apis,
    ];
}
