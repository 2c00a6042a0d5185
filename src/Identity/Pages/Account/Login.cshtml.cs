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
    private const string WrongCredentials = "Wrong credentials";
    private const string WrongCredentialsOrCode = "Wrong credentials or code";

    public LoginTexts Texts { get; } = LoginTexts.For(CultureInfo.CurrentUICulture);

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    /// <summary>The second form: password and security code together, for when the password alone has to wait.</summary>
    [BindProperty(SupportsGet = true)]
    public bool WithCode { get; set; }

    [BindProperty]
    public string? Code { get; set; }

    public string? Error { get; private set; }

    public bool EmailMissing { get; private set; }

    public bool PasswordMissing { get; private set; }

    public bool CodeMissing { get; private set; }

    /// <summary>Shown with every failed sign-in alike, whether the account exists, the password was wrong or it has to wait.</summary>
    public bool ShowsWaitHint => Error is WrongCredentials or WrongCredentialsOrCode;

    public bool DevelopmentEidEnabled => options.Value.DevelopmentEidEnabled;

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        EmailMissing = string.IsNullOrWhiteSpace(Email);
        PasswordMissing = string.IsNullOrEmpty(Password);
        CodeMissing = WithCode && string.IsNullOrWhiteSpace(Code);
        var failure = WithCode ? WrongCredentialsOrCode : WrongCredentials;
        if (EmailMissing || PasswordMissing || CodeMissing || Email!.Length > 254 || Password!.Length > PasswordPolicy.MaxLength)
        {
            Error = EmailMissing || PasswordMissing || CodeMissing ? null : failure;
            return Page();
        }

        var result = WithCode
            ? await signIn.CheckPasswordAndCodeAsync(Email, Password, Code!, cancellationToken)
            : await signIn.CheckPasswordAsync(Email, Password, cancellationToken);
        switch (result.Outcome)
        {
            case SignInOutcome.Succeeded:
                await SignInSession.SignInAsync(HttpContext, result.Account!,
                    result.SecondFactor ? TrustLevel.Substantial : TrustLevel.Low, result.SecondFactor ? "otp" : "pwd");
                return SignInSession.Continue(this, ReturnUrl);
            case SignInOutcome.NeedsTotp:
                await HttpContext.SignInAsync(SignInSession.PendingTotpScheme, SignInSession.Pending(result.Account!));
                return RedirectToPage("/Account/Totp", new { ReturnUrl });
            case SignInOutcome.Inactive:
                Error = "Inactive";
                return Page();
            default:
                // Unknown address, wrong password or code, or a wait after failures: one answer for all of them.
                Error = failure;
                return Page();
        }
    }
}
