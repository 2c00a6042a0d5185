using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using EfaPlatform.Identity.Data;
using EfaPlatform.ServiceDefaults.Auth;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace EfaPlatform.Identity.Connect;

/// <summary>The OpenID Connect endpoints whose answers depend on the platform's accounts, tenants and clients.</summary>
public static class ConnectEndpoints
{
    public const string TenantProperty = "efa_tenant";
    public const string ActiveProperty = "efa_active";
    public const string RolesProperty = "efa_roles";

    /// <summary>Marks a platform service's own client (Identity:ServiceClients): its tokens name no tenant.</summary>
    public const string ServiceProperty = "efa_service";

    /// <summary>OpenID Connect's auth_time: when the person signed in, in Unix seconds; refreshing keeps it.</summary>
    public const string AuthTimeClaim = "auth_time";

    public static WebApplication MapOpenIdConnectEndpoints(this WebApplication app)
    {
        app.MapMethods("/connect/authorize", ["GET", "POST"], (Delegate)AuthorizeAsync);
        app.MapPost("/connect/token", (Delegate)TokenAsync);
        app.MapMethods("/connect/userinfo", ["GET", "POST"], (Delegate)UserInfoAsync);
        app.MapMethods("/connect/logout", ["GET", "POST"], (Delegate)LogoutAsync);
        return app;
    }

    private static async Task<IResult> AuthorizeAsync(HttpContext context, IdentityDb db, IOptions<IdentityServiceOptions> options)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var signIn = await context.AuthenticateAsync(Extensions.SignInScheme);
        if (!signIn.Succeeded || request.HasPromptValue(PromptValues.Login))
        {
            return await SignInAgainAsync(context, request, signIn.Succeeded);
        }

        var account = await FindAccountAsync(db, signIn.Principal.SubjectId(), context.RequestAborted);
        if (account is null || !await IsUsableAsync(db, account, context.RequestAborted))
        {
            await context.SignOutAsync(Extensions.SignInScheme);
            return Forbid(Errors.AccessDenied, "The account can no longer sign in.");
        }

        var acr = signIn.Principal.FindFirst(EfaClaims.TrustLevel)?.Value ?? TrustLevel.Low.Name();
        if (account.TotpEnabled && (TrustLevels.Parse(acr) ?? TrustLevel.Low) < TrustLevel.Substantial)
        {
            // Signed in with the password alone before the second factor was set up: that sign-in no longer suffices.
            return await SignInAgainAsync(context, request, signedIn: true);
        }

        var signedInAt = signIn.Properties?.IssuedUtc ?? DateTimeOffset.UtcNow;
        var identity = UserIdentity(account, acr, signedInAt.ToUnixTimeSeconds());
        identity.SetScopes(request.GetScopes().Intersect(PlatformScopes.All));
        identity.SetResources(options.Value.Audience);
        identity.SetDestinations(DestinationsOf);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>
    /// Sends the browser to the sign-in page and back. An existing sign-in is ended first, so that prompt=login gets a
    /// real new sign-in; the way back no longer asks for prompt=login, or the new sign-in would be sent round again.
    /// </summary>
    private static async Task<IResult> SignInAgainAsync(HttpContext context, OpenIddictRequest request, bool signedIn)
    {
        if (request.HasPromptValue(PromptValues.None))
        {
            return Forbid(Errors.LoginRequired, "The user is not signed in.");
        }

        if (signedIn)
        {
            await context.SignOutAsync(Extensions.SignInScheme);
        }

        var prompt = string.Join(' ', (request.Prompt ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(value => value != PromptValues.Login));
        var parameters = (context.Request.HasFormContentType ? context.Request.Form.ToList() : context.Request.Query.ToList())
            .Where(parameter => parameter.Key != Parameters.Prompt).ToList();
        if (prompt.Length > 0)
        {
            parameters.Add(KeyValuePair.Create(Parameters.Prompt, new StringValues(prompt)));
        }

        var returnUrl = context.Request.PathBase + context.Request.Path + QueryString.Create(parameters);
        return Results.Challenge(new AuthenticationProperties { RedirectUri = returnUrl }, [Extensions.SignInScheme]);
    }

    private static async Task<IResult> TokenAsync(HttpContext context, IdentityDb db, IOpenIddictApplicationManager applications, IOptions<IdentityServiceOptions> options)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        if (request.IsClientCredentialsGrantType())
        {
            // OpenIddict has checked the secret and the scope permissions before this runs.
            var application = await applications.FindByClientIdAsync(request.ClientId!, context.RequestAborted)
                ?? throw new InvalidOperationException("The client vanished during the request.");
            var properties = await applications.GetPropertiesAsync(application, context.RequestAborted);
            if (IsActive(properties) && properties.TryGetValue(ServiceProperty, out var service) && service.ValueKind == JsonValueKind.True)
            {
                return MachineSignIn(request, tenant: null, properties, options.Value.Audience);
            }

            if (!IsActive(properties) || !properties.TryGetValue(TenantProperty, out var tenant)
                || !await db.Tenants.AnyAsync(t => t.Id == Guid.Parse(tenant.GetString()!) && t.Active, context.RequestAborted))
            {
                return Forbid(Errors.InvalidClient, "The client or its tenant is no longer active.");
            }

            return MachineSignIn(request, tenant.GetString(), properties, options.Value.Audience);
        }

        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            var result = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            var account = await FindAccountAsync(db, result.Principal?.SubjectId(), context.RequestAborted);
            if (account is null || !await IsUsableAsync(db, account, context.RequestAborted))
            {
                return Forbid(Errors.InvalidGrant, "The account can no longer sign in.");
            }

            // Roles and tenant are read again, so a refreshed token reflects changes since the sign-in; the time of the
            // sign-in itself stays what it was.
            var identity = UserIdentity(account, result.Principal!.FindFirst(EfaClaims.TrustLevel)?.Value ?? TrustLevel.Low.Name(),
                SignedInAt(result.Principal));
            identity.SetScopes(result.Principal.GetScopes());
            identity.SetResources(result.Principal.GetResources());
            identity.SetDestinations(DestinationsOf);
            return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        return Forbid(Errors.UnsupportedGrantType, "The grant type is not supported.");
    }

    private static async Task<IResult> UserInfoAsync(HttpContext context, IdentityDb db)
    {
        var result = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var account = await FindAccountAsync(db, result.Principal?.SubjectId(), context.RequestAborted);
        if (account is null)
        {
            return Results.Challenge(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        var claims = new Dictionary<string, object>(StringComparer.Ordinal) { [Claims.Subject] = account.Id.ToString() };
        var principal = result.Principal!;
        if (principal.HasScope(Scopes.Profile))
        {
            claims[Claims.Name] = account.DisplayName;
        }

        if (principal.HasScope(Scopes.Email))
        {
            claims[Claims.Email] = account.Email;
        }

        if (account.TenantId is { } tenant)
        {
            claims[EfaClaims.Tenant] = tenant.ToString();
        }

        claims[EfaClaims.Role] = account.Roles.ToArray();
        return Results.Ok(claims);
    }

    private static async Task<IResult> LogoutAsync(HttpContext context)
    {
        await context.SignOutAsync(Extensions.SignInScheme);
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    /// <param name="signedInAt">When the person signed in (Unix seconds), carried as auth_time into every token of the sign-in.</param>
    public static ClaimsIdentity UserIdentity(Account account, string acr, long? signedInAt)
    {
        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, EfaClaims.Subject, EfaClaims.Role);
        identity.SetClaim(EfaClaims.Subject, account.Id.ToString());
        identity.SetClaim(Claims.Name, account.DisplayName);
        identity.SetClaim(Claims.Email, account.Email);
        identity.SetClaim(EfaClaims.TrustLevel, acr);
        if (signedInAt is { } seconds)
        {
            identity.AddClaim(new Claim(AuthTimeClaim, seconds.ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64));
        }

        if (account.TenantId is { } tenant)
        {
            identity.SetClaim(EfaClaims.Tenant, tenant.ToString());
        }

        identity.SetClaims(EfaClaims.Role, [.. account.Roles]);
        return identity;
    }

    /// <summary>When the token's holder signed in, from its auth_time claim; null for tokens without one.</summary>
    public static DateTimeOffset? SignInTime(ClaimsPrincipal principal) =>
        SignedInAt(principal) is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;

    private static long? SignedInAt(ClaimsPrincipal principal) =>
        long.TryParse(principal.FindFirst(AuthTimeClaim)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? seconds : null;

    /// <summary>A machine client's token: a tenant's client names its tenant; a platform service's own names none.</summary>
    private static IResult MachineSignIn(OpenIddictRequest request, string? tenant, IReadOnlyDictionary<string, JsonElement> properties, string audience)
    {
        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, EfaClaims.Subject, EfaClaims.Role);
        identity.SetClaim(EfaClaims.Subject, request.ClientId);
        if (tenant is not null)
        {
            identity.SetClaim(EfaClaims.Tenant, tenant);
        }

        identity.SetClaims(EfaClaims.Role, [.. RolesOf(properties)]);
        identity.SetScopes(request.GetScopes());
        identity.SetResources(audience);
        identity.SetDestinations(DestinationsOf);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    public static bool IsActive(IReadOnlyDictionary<string, JsonElement> properties) =>
        !properties.TryGetValue(ActiveProperty, out var active) || active.ValueKind != JsonValueKind.False;

    public static IEnumerable<string> RolesOf(IReadOnlyDictionary<string, JsonElement> properties) =>
        properties.TryGetValue(RolesProperty, out var roles) && roles.ValueKind == JsonValueKind.Array
            ? roles.EnumerateArray().Select(role => role.GetString()!)
            : [];

    private static async Task<Account?> FindAccountAsync(IdentityDb db, string? subject, CancellationToken cancellationToken) =>
        Guid.TryParse(subject, out var id) ? await db.Accounts.SingleOrDefaultAsync(a => a.Id == id, cancellationToken) : null;

    private static async Task<bool> IsUsableAsync(IdentityDb db, Account account, CancellationToken cancellationToken) =>
        account.Active && (account.TenantId is not { } tenant || await db.Tenants.AnyAsync(t => t.Id == tenant && t.Active, cancellationToken));

    /// <summary>Everything goes into the access token; name and e-mail also into the identity token when asked for.</summary>
    private static IEnumerable<string> DestinationsOf(Claim claim) => claim.Type switch
    {
        Claims.Name when claim.Subject!.HasScope(Scopes.Profile) => [Destinations.AccessToken, Destinations.IdentityToken],
        Claims.Email when claim.Subject!.HasScope(Scopes.Email) => [Destinations.AccessToken, Destinations.IdentityToken],
        EfaClaims.TrustLevel or EfaClaims.Tenant or EfaClaims.Role or AuthTimeClaim => [Destinations.AccessToken, Destinations.IdentityToken],
        Claims.Name or Claims.Email => [],
        _ => [Destinations.AccessToken],
    };

    private static IResult Forbid(string error, string description) => Results.Forbid(
        new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }),
        [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
