using System.Globalization;
using EfaPlatform.Identity.Accounts;
using EfaPlatform.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace EfaPlatform.Identity.Pages.Account;

/// <summary>The development stand-in for the online ID card: signs in a test person at trust level high. Off unless configured.</summary>
public sealed class EidModel(DevelopmentEid eid, IOptions<IdentityServiceOptions> options) : PageModel
{
    public LoginTexts Texts { get; } = LoginTexts.For(CultureInfo.CurrentUICulture);

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string? Pseudonym { get; set; }

    public IActionResult OnGet() => options.Value.DevelopmentEidEnabled ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.DevelopmentEidEnabled)
        {
            return NotFound();
        }

        var account = await eid.SignInAsync(Pseudonym ?? "", cancellationToken);
        if (account is null)
        {
            return Page();
        }

        await SignInSession.SignInAsync(HttpContext, account, TrustLevel.High, "eid-development");
        return SignInSession.Continue(this, ReturnUrl);
    }
}
