using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using EfaPlatform.TestInfrastructure;
using Microsoft.IdentityModel.Tokens;

namespace EfaPlatform.Identity.Tests;

/// <summary>
/// One browser's sign-in state over plain HTTP through the gateway (cookies, anti-forgery, redirects followed one by one),
/// for the steps <see cref="OidcClient"/> does not offer: a second authorization in an existing session, a refused code
/// page, the form with password and code, many posts of one form at once.
/// </summary>
public sealed partial class PageSession(string gatewayUrl) : IDisposable
{
    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
    {
        BaseAddress = new Uri(gatewayUrl),
        Timeout = TimeSpan.FromSeconds(60),
    };

    public string RedirectUri => $"{gatewayUrl}/dev/callback";

    /// <summary>An authorization request with a fresh PKCE pair, optionally with a prompt parameter.</summary>
    public (string Url, string Verifier) AuthorizationRequest(string? prompt = null, string scope = "openid offline_access efa.identity")
    {
        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var url = $"/connect/authorize?client_id={OidcClient.WebClientId}&response_type=code&scope={Uri.EscapeDataString(scope)}" +
                  $"&redirect_uri={Uri.EscapeDataString(RedirectUri)}&code_challenge={challenge}&code_challenge_method=S256&state=s1";
        return (prompt is null ? url : $"{url}&prompt={Uri.EscapeDataString(prompt)}", verifier);
    }

    /// <summary>GETs <paramref name="url"/> and follows redirects until the callback or a page that answers itself; returns that address.</summary>
    public async Task<string> FollowAsync(string url)
    {
        for (var hop = 0; hop < 10; hop++)
        {
            if (url.StartsWith(RedirectUri, StringComparison.Ordinal))
            {
                return url;
            }

            using var response = await _http.GetAsync(url);
            if (response.Headers.Location is not { } location)
            {
                return url;
            }

            url = location.ToString();
        }

        throw new InvalidOperationException($"Too many redirects, last {url}.");
    }

    /// <summary>The anti-forgery token of the form on the page at <paramref name="pageUrl"/> (and its cookie, in this session).</summary>
    public async Task<string> AntiForgeryAsync(string pageUrl) => AntiForgeryField().Match(await _http.GetStringAsync(pageUrl)).Groups[1].Value;

    /// <summary>Posts the form of the page at <paramref name="pageUrl"/>; the redirect it answers with, or the page it shows.</summary>
    public async Task<FormAnswer> PostFormAsync(string pageUrl, Dictionary<string, string> fields)
    {
        fields["__RequestVerificationToken"] = await AntiForgeryAsync(pageUrl);
        return await PostAsync(pageUrl, fields);
    }

    /// <summary>Posts fields as they are (the caller adds the anti-forgery token, or leaves it out on purpose).</summary>
    public async Task<FormAnswer> PostAsync(string url, Dictionary<string, string> fields)
    {
        using var response = await _http.PostAsync(url, new FormUrlEncodedContent(fields));
        return new FormAnswer(response.StatusCode, response.Headers.Location?.ToString(),
            response.Headers.RetryAfter?.Delta, response.Content.Headers.ContentType?.MediaType,
            WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
    }

    /// <summary>Signs in with e-mail and password (and a code, when the code page comes) for the authorization request; where it ends.</summary>
    public async Task<string> SignInAsync(string authorizeUrl, string email, string password, Func<string>? code = null)
    {
        var login = await FollowAsync(authorizeUrl);
        var answer = await PostFormAsync(login, new() { ["Email"] = email, ["Password"] = password });
        if (answer.Location?.StartsWith("/account/totp", StringComparison.Ordinal) == true)
        {
            answer = await PostFormAsync(answer.Location, new() { ["Code"] = (code ?? throw new InvalidOperationException("A code was asked for."))() });
        }

        return answer.Location is { } next
            ? await FollowAsync(next)
            : throw new InvalidOperationException($"The sign-in was refused: {answer.FormError}");
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> RedeemAsync(string callbackUrl, string verifier)
    {
        using var response = await _http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["code"] = Uri.UnescapeDataString(CodeParameter().Match(callbackUrl).Groups[1].Value),
            ["redirect_uri"] = RedirectUri, ["client_id"] = OidcClient.WebClientId, ["code_verifier"] = verifier,
        }));
        return (response.StatusCode, JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync()));
    }

    public static bool HasCode(string url) => CodeParameter().IsMatch(url);

    public void Dispose() => _http.Dispose();

    /// <summary>The error message a sign-in page shows (for the whole form or the code field), if any.</summary>
    public static string? FormErrorOf(string page) => FormErrorText().Match(page) is { Success: true } match ? match.Groups[1].Value.Trim() : null;

    /// <summary>What a form post answered: a redirect, or a page (with its error message, if any).</summary>
    public sealed record FormAnswer(HttpStatusCode Status, string? Location, TimeSpan? RetryAfter, string? ContentType, string Page)
    {
        public string? FormError => FormErrorOf(Page);
    }

    [GeneratedRegex("<p id=\"(?:form|code)-error\" class=\"error\"(?: role=\"alert\")?>([^<]*)</p>")]
    private static partial Regex FormErrorText();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiForgeryField();

    [GeneratedRegex("[?&]code=([^&]+)")]
    private static partial Regex CodeParameter();
}
