using EfaPlatform.ServiceDefaults;
using System.ComponentModel.DataAnnotations;

namespace EfaPlatform.Gateway;

/// <summary>Configuration section "Gateway".</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>Largest request body the gateway forwards, REST and gRPC alike; larger ones get 413.</summary>
    [Range(1024, 1L << 34)]
    public long MaxRequestBodyBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>
    /// Largest body of a file upload (<see cref="FileUploadPaths"/>), which the documents service streams to disk and
    /// limits per file itself; every other request keeps <see cref="MaxRequestBodyBytes"/>.
    /// </summary>
    [Range(1024, 1L << 40)]
    public long MaxFileUploadBytes { get; set; } = 1L << 30;

    /// <summary>Path prefixes of file uploads: plain and resumable HTTP uploads, and the gRPC upload stream.</summary>
    public string[] FileUploadPaths { get; set; } =
        ["/api/documents/v1/uploads", "/api/documents/v1/resumable-uploads", "/efa.documents.v1.DocumentTransfers/"];

    /// <summary>The body limit of a request to <paramref name="path"/>.</summary>
    public long BodyLimitFor(PathString path) =>
        new RawRequestBodyPaths(FileUploadPaths).Match(path)
            ? MaxFileUploadBytes
            : MaxRequestBodyBytes;

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
