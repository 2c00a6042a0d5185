using System.Security.Claims;
using EfaPlatform.Identity.Data;
using EfaPlatform.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EfaPlatform.Identity.Pages.Account;

/// <summary>The sign-in cookie: who signed in and at which trust level; the authorization endpoint reads it.</summary>
public static class SignInSession
{
    public const string PendingTotpScheme = "efa-pending-totp";

    public static Task SignInAsync(HttpContext context, Data.Account account, TrustLevel level, string method)
    {
        var identity = new ClaimsIdentity(Extensions.SignInScheme, EfaClaims.Subject, EfaClaims.Role);
        identity.AddClaim(new Claim(EfaClaims.Subject, account.Id.ToString()));
        identity.AddClaim(new Claim(EfaClaims.TrustLevel, level.Name()));
        identity.AddClaim(new Claim("amr", method));
        return context.SignInAsync(Extensions.SignInScheme, new ClaimsPrincipal(identity));
    }

    /// <summary>Password checked, TOTP code still due: a short-lived cookie that names only the account.</summary>
    public static ClaimsPrincipal Pending(Data.Account account) =>
        new(new ClaimsIdentity([new Claim(EfaClaims.Subject, account.Id.ToString())], PendingTotpScheme));

    /// <summary>Only a path of this site: never an open redirect.</summary>
    public static IActionResult Continue(PageModel page, string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && page.Url.IsLocalUrl(returnUrl) ? page.LocalRedirect(returnUrl) : page.RedirectToPage("/Account/Done");

}
