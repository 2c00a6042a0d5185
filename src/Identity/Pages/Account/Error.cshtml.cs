using System.Globalization;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EfaPlatform.Identity.Pages.Account;

/// <summary>
/// What a person sees when an authorization request cannot be answered with a redirect (unknown client, wrong redirect
/// address): the status code pages re-execute here, and OpenIddict's error is shown, never a stack trace.
/// </summary>
[Microsoft.AspNetCore.Mvc.IgnoreAntiforgeryToken]
public sealed class ErrorModel : PageModel
{
    public LoginTexts Texts { get; } = LoginTexts.For(CultureInfo.CurrentUICulture);

    public string? Code { get; private set; }

    public string? Description { get; private set; }

    public void OnGet() => Read();

    public void OnPost() => Read();

    private void Read()
    {
        var response = HttpContext.GetOpenIddictServerResponse();
        Code = response?.Error;
        Description = response?.ErrorDescription;
    }
}
