using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.IdentityModel.Tokens;
using OtpNet;

namespace EfaPlatform.TestInfrastructure;

/// <summary>
/// What a municipality's system or a web front end does over plain HTTP against the gateway: the client credentials
/// grant, and the authorization code grant with PKCE through the real sign-in pages (cookies, anti-forgery, redirects).
/// <paramref name="defaultTotpSecret"/> answers the TOTP step of a sign-in that names no secret of its own: the
/// development seed's administrators have it, because administration needs trust level substantial.
/// </summary>
public sealed partial class OidcClient(string gatewayUrl, string? defaultTotpSecret = null) : IDisposable
{
    public const string WebClientId = "efa-dev-web";
    private static readonly Dictionary<string, long> LastTimeSteps = new(StringComparer.Ordinal);
    private static readonly SemaphoreSlim TimeStepLock = new(1, 1);
    private readonly CookieContainer _cookies = new();
    private HttpClient? _http;

    public string RedirectUri => $"{gatewayUrl}/dev/callback";

    /// <summary>When set, every request this client sends is added with its method, path and time taken (for bench/).</summary>
    public List<(string Request, double Milliseconds)>? Timings { get; set; }

    private HttpClient Http => _http ??= new HttpClient(new TimingHandler(this) { InnerHandler = new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = _cookies } })
    {
        BaseAddress = new Uri(gatewayUrl),
        Timeout = TimeSpan.FromSeconds(30),
    };

    public async Task<(HttpStatusCode Status, JsonElement Body)> ClientCredentialsAsync(string clientId, string secret, string scope)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = scope }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(secret)}")));
        return await SendAsync(request);
    }

    /// <summary>An authorization request with a fresh PKCE pair: the URL a front end sends the browser to, and the verifier it keeps.</summary>
    public (string Url, string Verifier) AuthorizationRequest(string scope = "openid efa.identity")
    {
        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        return ($"{gatewayUrl}/connect/authorize?client_id={WebClientId}&response_type=code&scope={Uri.EscapeDataString(scope)}" +
                $"&redirect_uri={Uri.EscapeDataString(RedirectUri)}&code_challenge={challenge}&code_challenge_method=S256&state=s1", verifier);
    }

    /// <summary>Redeems the code from the callback URL the browser ended on.</summary>
    public Task<(HttpStatusCode Status, JsonElement Body)> RedeemCallbackAsync(string callbackUrl, string verifier) =>
        RedeemAsync(new()
        {
            ["grant_type"] = "authorization_code", ["code"] = Uri.UnescapeDataString(CodeParameter().Match(callbackUrl).Groups[1].Value),
            ["redirect_uri"] = RedirectUri, ["client_id"] = WebClientId, ["code_verifier"] = verifier,
        });

    /// <summary>Signs in through the pages and redeems the code; the result is the token response.</summary>
    public Task<(HttpStatusCode Status, JsonElement Body)> SignInAsync(string email, string password, string? totpSecret = null, string scope = "openid offline_access efa.identity") =>
        AuthorizeAsync(scope, async login =>
        {
            var afterLogin = await PostFormAsync(login, new() { ["Email"] = email, ["Password"] = password });
            if (afterLogin.StartsWith("/account/totp", StringComparison.Ordinal))
            {
                var code = await UnusedCodeAsync(email, totpSecret ?? defaultTotpSecret ?? throw new InvalidOperationException("TOTP asked for but no secret given."));
                afterLogin = await PostFormAsync(afterLogin, new() { ["Code"] = code });
            }

            return afterLogin;
        });

    /// <summary>
    /// The code of a time step not used yet for this account in this test run: the platform takes each code once, and
    /// tests sign the same administrator in again and again. Waits for the next 30-second step when needed.
    /// </summary>
    private static async Task<string> UnusedCodeAsync(string email, string secret)
    {
        await TimeStepLock.WaitAsync();
        try
        {
            var step = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30;
            if (LastTimeSteps.TryGetValue(email, out var last) && last >= step)
            {
                step = last + 1;
                await Task.Delay(DateTimeOffset.FromUnixTimeSeconds(step * 30) - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(200));
            }

            LastTimeSteps[email] = step;
            return new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(DateTimeOffset.FromUnixTimeSeconds(step * 30).UtcDateTime);
        }
        finally
        {
            TimeStepLock.Release();
        }
    }

    /// <summary>Signs in as a test person of the development eID (trust level high) and redeems the code.</summary>
    public Task<(HttpStatusCode Status, JsonElement Body)> SignInWithDevelopmentEidAsync(string pseudonym, string scope = "openid efa.identity") =>
        AuthorizeAsync(scope, login => PostFormAsync(login.Replace("/account/login", "/account/eid", StringComparison.Ordinal), new() { ["Pseudonym"] = pseudonym }));

    private async Task<(HttpStatusCode Status, JsonElement Body)> AuthorizeAsync(string scope, Func<string, Task<string>> signIn)
    {
        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var authorize = $"/connect/authorize?client_id={WebClientId}&response_type=code&scope={Uri.EscapeDataString(scope)}" +
                        $"&redirect_uri={Uri.EscapeDataString(RedirectUri)}&code_challenge={challenge}&code_challenge_method=S256&state=s1";

        var afterSignIn = await signIn(await FollowToAsync(authorize, "/account/login"));
        var callback = await FollowToAsync(afterSignIn, RedirectUri);
        var authorizationCode = CodeParameter().Match(callback).Groups[1].Value;
        return await RedeemAsync(new()
        {
            ["grant_type"] = "authorization_code", ["code"] = Uri.UnescapeDataString(authorizationCode), ["redirect_uri"] = RedirectUri,
            ["client_id"] = WebClientId, ["code_verifier"] = verifier,
        });
    }

    /// <summary>Where a GET of <paramref name="url"/> redirects to, with this client's cookies.</summary>
    public async Task<string> RedirectAsync(string url)
    {
        using var response = await Http.GetAsync(url);
        return response.Headers.Location?.ToString() ?? "";
    }

    public Task<(HttpStatusCode Status, JsonElement Body)> RefreshAsync(string refreshToken) =>
        RedeemAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken, ["client_id"] = WebClientId });

    public async Task<HttpStatusCode> RevokeAsync(string token)
    {
        using var response = await Http.PostAsync("/connect/revoke", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = token, ["token_type_hint"] = "refresh_token", ["client_id"] = WebClientId,
        }));
        return response.StatusCode;
    }

    /// <summary>Posts the sign-in form with wrong or right credentials and returns the page shown (or where it redirects).</summary>
    public async Task<(HttpStatusCode Status, string Content)> PostLoginFormAsync(string email, string password)
    {
        var page = await Http.GetStringAsync("/account/login");
        using var response = await Http.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = email, ["Password"] = password, ["__RequestVerificationToken"] = AntiForgery(page),
        }));
        return (response.StatusCode, response.Headers.Location?.ToString() ?? WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> CallAsync(HttpMethod method, string path, string? accessToken, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (accessToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        return await SendAsync(request);
    }

    public void Dispose() => _http?.Dispose();

    private async Task<(HttpStatusCode Status, JsonElement Body)> RedeemAsync(Dictionary<string, string> form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token") { Content = new FormUrlEncodedContent(form) };
        return await SendAsync(request);
    }

    /// <summary>The content type of the last answer, to check what kind of error body came.</summary>
    public string? LastContentType { get; private set; }

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpRequestMessage request)
    {
        using var response = await Http.SendAsync(request);
        LastContentType = response.Content.Headers.ContentType?.MediaType;
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonSerializer.Deserialize<JsonElement>(text));
    }

    /// <summary>Follows redirects until one points at <paramref name="target"/>; returns that location.</summary>
    private async Task<string> FollowToAsync(string url, string target)
    {
        for (var hop = 0; hop < 10; hop++)
        {
            if (url.StartsWith(target, StringComparison.Ordinal) || url.StartsWith(gatewayUrl + target, StringComparison.Ordinal))
            {
                return url.StartsWith(gatewayUrl, StringComparison.Ordinal) && !target.StartsWith("http", StringComparison.Ordinal) ? url[gatewayUrl.Length..] : url;
            }

            using var response = await Http.GetAsync(url);
            url = response.Headers.Location?.ToString()
                ?? throw new InvalidOperationException($"{url} answered {(int)response.StatusCode} instead of redirecting towards {target}: {await response.Content.ReadAsStringAsync()}");
        }

        throw new InvalidOperationException($"Too many redirects on the way to {target}.");
    }

    private async Task<string> PostFormAsync(string pageUrl, Dictionary<string, string> fields)
    {
        var page = await Http.GetStringAsync(pageUrl);
        fields["__RequestVerificationToken"] = AntiForgery(page);
        using var response = await Http.PostAsync(pageUrl, new FormUrlEncodedContent(fields));
        return response.Headers.Location?.ToString()
            ?? throw new InvalidOperationException($"The form at {pageUrl} did not redirect: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private sealed class TimingHandler(OidcClient owner) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (owner.Timings is not { } timings)
            {
                return await base.SendAsync(request, cancellationToken);
            }

            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var response = await base.SendAsync(request, cancellationToken);
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            timings.Add(($"{request.Method} {request.RequestUri?.AbsolutePath}", System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds));
            return response;
        }
    }

    private static string AntiForgery(string page) => AntiForgeryField().Match(page).Groups[1].Value;

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiForgeryField();

    [GeneratedRegex("[?&]code=([^&]+)")]
    private static partial Regex CodeParameter();
}
