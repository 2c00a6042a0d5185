using System.ComponentModel.DataAnnotations;

namespace EfaPlatform.Gateway;

/// <summary>Configuration section "Gateway".</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>Largest request body the gateway forwards, REST and gRPC alike; larger ones get 413.</summary>
    [Range(1024, 1L << 34)]
    public long MaxRequestBodyBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Longest request target (path and query) the gateway forwards; longer ones get 414.</summary>
    [Range(1024, 65536)]
    public int MaxRequestTargetBytes { get; set; } = 8 * 1024;

    /// <summary>
    /// Largest total of request header names and values the gateway forwards; larger ones get 431. The default leaves
    /// room below the services' own 32 KB for the headers the gateway adds.
    /// </summary>
    [Range(4096, 65536)]
    public int MaxRequestHeadersBytes { get; set; } = 24 * 1024;

    /// <summary>How long the gateway waits for a backend's response before it answers 504.</summary>
    public TimeSpan BackendTimeout { get; set; } = TimeSpan.FromSeconds(100);
}
