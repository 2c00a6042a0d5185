using System.ComponentModel.DataAnnotations;
using EfaPlatform.Payment.Kassenzeichen;

namespace EfaPlatform.Payment;

/// <summary>Configuration section "Payment".</summary>
public sealed class PaymentOptions : IValidatableObject
{
    public const string SectionName = "Payment";

    /// <summary>The Kassenzeichen format of a municipality that has set none of its own.</summary>
    [Required]
    public KassenzeichenFormat DefaultKassenzeichenFormat { get; set; } = new();

    /// <summary>How long a started payment waits for the provider's confirmation before it expires.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan ExpiresAfter { get; set; } = TimeSpan.FromMinutes(90);

    /// <summary>How often the expiry worker looks for started payments whose time ran out.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan ExpiryScanInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The key the callback secrets are sealed with in the database (at least 32 characters); without it nobody could
    /// read them back, so the service does not start without it.
    /// </summary>
    [Required, MinLength(32)]
    public string SecretKey { get; set; } = "";

    /// <summary>How often the poller looks for payments due to be asked about (providers that do not push).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan PollScanInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The first wait before asking a provider again; it doubles with every question.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait between two questions.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The municipal payment platform (off without Payment:XBezahldienste:BaseUrl).</summary>
    public Providers.XBezahldienste.XBezahldiensteOptions XBezahldienste { get; set; } = new();

    /// <summary>The platform's public address (the gateway) for links to pages the payment service serves; else the request's own.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>The built-in test provider: off unless enabled, never for a production municipality.</summary>
    public TestProviderOptions TestProvider { get; set; } = new();

    /// <summary>
    /// Settings of municipalities that have stored none through the API, by tenant id (the development municipality's
    /// test provider, for example).
    /// </summary>
    public Dictionary<string, ConfiguredPaymentSettings> Tenants { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>What data annotations do not reach: the nested format and the configured municipalities.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (property, problem) in DefaultKassenzeichenFormat.Problems())
        {
            yield return new ValidationResult($"{property} {problem}", [$"{nameof(DefaultKassenzeichenFormat)}.{property}"]);
        }

        foreach (var (tenant, settings) in Tenants)
        {
            if (!Guid.TryParse(tenant, out _) || settings.Provider.Length == 0 || settings.ReturnOrigins.Count == 0
                || settings.ReturnOrigins.Any(origin => Settings.ReturnUrls.OriginProblem(origin) is not null))
            {
                yield return new ValidationResult($"needs a tenant id, a provider and return origins like https://host[:port]", [$"{nameof(Tenants)}.{tenant}"]);
            }
        }
    }
}

public sealed class TestProviderOptions
{
    public bool Enabled { get; set; }
}

public sealed class ConfiguredPaymentSettings
{
    public string Provider { get; set; } = "";

    public List<string> ReturnOrigins { get; set; } = [];
}
