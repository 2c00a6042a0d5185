using System.ComponentModel.DataAnnotations;

namespace EfaPlatform.Identity;

/// <summary>Configuration section "Identity".</summary>
public sealed class IdentityServiceOptions
{
    public const string SectionName = "Identity";

    /// <summary>The public address tokens name as issuer: the gateway's, for example https://efa.example.de/.</summary>
    [Required(ErrorMessage = "Identity:Issuer is required: the public base address of the platform (the gateway), for example https://efa.example.de/.")]
    [Url(ErrorMessage = "Identity:Issuer must be an absolute URL.")]
    public string Issuer { get; set; } = "";

    /// <summary>Protects the stored signing and encryption keys; the same in every instance, kept as a secret.</summary>
    [Required(ErrorMessage = "Identity:KeySecret is required: a secret of at least 32 characters that protects the stored signing keys.")]
    [MinLength(32, ErrorMessage = "Identity:KeySecret must have at least 32 characters.")]
    public string KeySecret { get; set; } = "";

    /// <summary>The audience of every access token; services check it.</summary>
    public string Audience { get; set; } = "efa-api";

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>How long a signing key signs before a new one is made; it stays published for one more token lifetime.</summary>
    public TimeSpan SigningKeyLifetime { get; set; } = TimeSpan.FromDays(90);

    /// <summary>
    /// How long after a rotation the new signing key starts to sign. Until then it is only published, so every service
    /// (which refreshes the published keys at least every 12 hours) knows it before it sees a token signed with it.
    /// </summary>
    public TimeSpan SigningKeyActivationDelay { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Secure by default; only a development AppHost on loopback turns it off.</summary>
    public bool RequireHttps { get; set; } = true;

    /// <summary>The development eID login that stands in for the German ID card. Off unless configured.</summary>
    public bool DevelopmentEidEnabled { get; set; }

    /// <summary>Failed checks (password or code) an account may have before each further check must wait.</summary>
    [Range(1, 100)]
    public int MaxFailedSignIns { get; set; } = 5;

    /// <summary>The wait after <see cref="MaxFailedSignIns"/> failures; it doubles with each further failure.</summary>
    public TimeSpan SignInBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait between two checks of one account's password.</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How recent a sign-in must be to set up or change the second factor.</summary>
    public TimeSpan SecondFactorChangeWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Section "Identity:RateLimits".</summary>
    public IdentityRateLimitOptions RateLimits { get; set; } = new();
}

/// <summary>
/// Configuration section "Identity:RateLimits": how many requests of a kind one client address, or one account, may make
/// per window. The defaults leave room for the test suite and the benchmarks, which run everything from one address.
/// </summary>
public sealed class IdentityRateLimitOptions
{
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Posts of the sign-in pages (password and security code).</summary>
    public int SignInsPerAddress { get; set; } = 300;

    /// <summary>Password posts for one e-mail address; posts that carry a security code are not counted here.</summary>
    public int SignInsPerAccount { get; set; } = 60;

    public int RegistrationsPerAddress { get; set; } = 100;

    /// <summary>Registrations naming one e-mail address.</summary>
    public int RegistrationsPerAccount { get; set; } = 5;

    /// <summary>Requests to the token endpoint.</summary>
    public int TokensPerAddress { get; set; } = 6000;

    /// <summary>Client credentials requests of one client.</summary>
    public int TokensPerClient { get; set; } = 6000;

    public bool IsValid() =>
        Window > TimeSpan.Zero
        && new[] { SignInsPerAddress, SignInsPerAccount, RegistrationsPerAddress, RegistrationsPerAccount, TokensPerAddress, TokensPerClient }.All(limit => limit >= 1);
}
