using System.Globalization;
using EfaPlatform.Identity.Accounts;
using EfaPlatform.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace EfaPlatform.Identity.Pages.Account;

public sealed class LoginModel(PasswordSignIn signIn, IOptions<IdentityServiceOptions> options) : PageModel
{
    public LoginTexts Texts { get; } = LoginTexts.For(CultureInfo.CurrentUICulture);

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    public string? Error { get; private set; }

    public bool EmailMissing { get; private set; }

    public bool PasswordMissing { get; private set; }

    public bool DevelopmentEidEnabled => options.Value.DevelopmentEidEnabled;

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        EmailMissing = string.IsNullOrWhiteSpace(Email);
        PasswordMissing = string.IsNullOrEmpty(Password);
        if (EmailMissing || PasswordMissing || Email!.Length > 254 || Password!.Length > PasswordPolicy.MaxLength)
        {
            Error = EmailMissing || PasswordMissing ? null : "Wrong credentials";
            return Page();
        }

        var result = await signIn.CheckPasswordAsync(Email, Password, cancellationToken);
        switch (result.Outcome)
        {
            case SignInOutcome.Succeeded:
                await SignInSession.SignInAsync(HttpContext, result.Account!, TrustLevel.Low, "pwd");
                return SignInSession.Continue(this, ReturnUrl);
            case SignInOutcome.NeedsTotp:
                await HttpContext.SignInAsync(SignInSession.PendingTotpScheme, SignInSession.Pending(result.Account!));
                return RedirectToPage("/Account/Totp", new { ReturnUrl });
            case SignInOutcome.LockedOut:
                Error = "Locked out";
                return Page();
            case SignInOutcome.Inactive:
                Error = "Inactive";
                return Page();
            default:
                Error = "Wrong credentials";
                return Page();
        }
    }
}
