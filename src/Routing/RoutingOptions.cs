using System.ComponentModel.DataAnnotations;

namespace EfaPlatform.Routing;

/// <summary>Configuration section "Routing".</summary>
public sealed class RoutingOptions : IValidatableObject
{
    public const string SectionName = "Routing";

    /// <summary>The key destinations' callback secrets are sealed with in the database (at least 32 characters).</summary>
    [Required, MinLength(32)]
    public string SecretKey { get; set; } = "";

    /// <summary>Attempts of a push delivery before it is parked for an operator to re-drive.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The wait after the first failed attempt; it doubles with every further one (with jitter).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest wait between two attempts.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a push destination has to answer.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan PushTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a claimed attempt may take (assembling and pushing) before the delivery is due again: after a crash
    /// mid-attempt it is tried again then, under the same delivery id. Longer than the push timeout.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan AttemptLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How often the delivery worker looks for due deliveries when it found none: the longest a ready submission waits
    /// for its first attempt (one index scan of the due deliveries each time).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Deliveries attempted at once by one instance.</summary>
    [Range(1, 256)]
    public int Concurrency { get; set; } = 32;

    /// <summary>
    /// Push URLs may use plain http to loopback addresses (development and tests); otherwise only https is accepted.
    /// </summary>
    public bool AllowLoopbackHttp { get; set; }

    /// <summary>
    /// Private networks (CIDR, for example "10.20.0.0/16") push destinations may be in: a municipal data centre's own
    /// specialist systems. Every other private, link-local or special address is refused when connecting.
    /// </summary>
    public List<string> PrivatePushNetworks { get; set; } = [];

    /// <summary>How long a cached lookup is kept (a directory change makes it unused at once anyway).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan LookupCacheLifetime { get; set; } = TimeSpan.FromHours(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var network in PrivatePushNetworks.Where(network => !System.Net.IPNetwork.TryParse(network, out _)))
        {
            yield return new ValidationResult($"Routing:PrivatePushNetworks: {network} is not a network in CIDR notation.", [nameof(PrivatePushNetworks)]);
        }

        if (AttemptLease <= PushTimeout)
        {
            yield return new ValidationResult("Routing:AttemptLease must be longer than Routing:PushTimeout.", [nameof(AttemptLease)]);
        }
    }

    /// <summary>Development only: the directory a tenant starts with.</summary>
    public DirectorySeedOptions Seed { get; set; } = new();
}

public sealed class DirectorySeedOptions
{
    public Guid? TenantId { get; set; }

    /// <summary>A JSON directory file, imported while the tenant's directory is empty.</summary>
    public string? DirectoryFile { get; set; }
}
