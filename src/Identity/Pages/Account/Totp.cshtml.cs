using System.Globalization;
using EfaPlatform.Identity.Accounts;
using EfaPlatform.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EfaPlatform.Identity.Pages.Account;

public sealed class TotpModel(PasswordSignIn signIn) : PageModel
{
    public LoginTexts Texts { get; } = LoginTexts.For(CultureInfo.CurrentUICulture);

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string? Code { get; set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync() =>
        await PendingAccountAsync() is null ? RedirectToPage("/Account/Login", new { ReturnUrl }) : Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (await PendingAccountAsync() is not { } accountId)
        {
            return RedirectToPage("/Account/Login", new { ReturnUrl });
        }

        var result = await signIn.CheckTotpAsync(accountId, Code ?? "", cancellationToken);
        switch (result.Outcome)
        {
            case SignInOutcome.Succeeded:
                await HttpContext.SignOutAsync(SignInSession.PendingTotpScheme);
                await SignInSession.SignInAsync(HttpContext, result.Account!, TrustLevel.Substantial, "otp");
                return SignInSession.Continue(this, ReturnUrl);
            case SignInOutcome.LockedOut:
                await HttpContext.SignOutAsync(SignInSession.PendingTotpScheme);
                Error = "Locked out";
                return Page();
            default:
                Error = "Wrong code";
                return Page();
        }
    }

    private async Task<Guid?> PendingAccountAsync()
    {
        var pending = await HttpContext.AuthenticateAsync(SignInSession.PendingTotpScheme);
        return pending.Succeeded && Guid.TryParse(pending.Principal.SubjectId(), out var id) ? id : null;
    }
}
