namespace EfaPlatform.Payment.Settings;

/// <summary>How a municipality takes payments: with which provider, and where the provider may send citizens back to.</summary>
public sealed record PaymentSettings(
    Guid TenantId, string Provider, IReadOnlyList<string> ReturnOrigins, string? XBezahldiensteOriginatorId = null, string? XBezahldiensteEndpointId = null)
{
    /// <summary>
    /// Why <paramref name="returnUrl"/> may not be used, or null when it may: an absolute http(s) URL without user
    /// information whose origin is one of <see cref="ReturnOrigins"/> — never a page on another host (no open redirect).
    /// </summary>
    public string? ReturnUrlProblem(string returnUrl)
    {
        if (returnUrl.Length > ReturnUrls.MaxLength)
        {
            return $"must have at most {ReturnUrls.MaxLength} characters";
        }

        if (!Uri.TryCreate(returnUrl, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http") || url.UserInfo.Length > 0)
        {
            return "must be an absolute http or https URL without user information";
        }

        return ReturnOrigins.Any(origin => ReturnUrls.SameOrigin(origin, url))
            ? null
            : "must be on one of the municipality's front-end addresses";
    }
}

public static class ReturnUrls
{
    public const int MaxLength = 2000;

    public static bool SameOrigin(string origin, Uri url) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var allowed)
        && string.Equals(allowed.Scheme, url.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(allowed.IdnHost, url.IdnHost, StringComparison.OrdinalIgnoreCase)
        && allowed.Port == url.Port;

    /// <summary>Why <paramref name="origin"/> is not an origin ("https://host[:port]", nothing else), or null.</summary>
    public static string? OriginProblem(string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var url) && url.Scheme is "https" or "http" && url.UserInfo.Length == 0
        && url.PathAndQuery == "/" && url.Fragment.Length == 0 && !origin.EndsWith('/')
            ? null
            : "must be an origin like https://buergerportal.example.de (scheme, host and port only)";
}
