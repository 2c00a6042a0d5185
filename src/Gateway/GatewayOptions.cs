using System.ComponentModel.DataAnnotations;

namespace EfaPlatform.Gateway;

/// <summary>Configuration section "Gateway".</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>Largest request body the gateway forwards, REST and gRPC alike; larger ones get 413.</summary>
    [Range(1024, 1L << 34)]
    public long MaxRequestBodyBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>How long the gateway waits for a backend's response before it answers 504.</summary>
    public TimeSpan BackendTimeout { get; set; } = TimeSpan.FromSeconds(100);
}
