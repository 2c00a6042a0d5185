using EfaPlatform.Documents.Scanning;

namespace EfaPlatform.Documents.Documents;

/// <summary>Where a document is in malware scanning; only a clean one may be downloaded or attached.</summary>
public static class DocumentStatus
{
    /// <summary>Stored, not scanned yet (the scanner was busy or down); it is scanned as soon as the scanner answers.</summary>
    public const string PendingScan = "pending_scan";

    public const string Clean = "clean";

    /// <summary>The scanner found malware: the content is quarantined and never served.</summary>
    public const string Infected = "infected";

    /// <summary>The scanner could not check the content (too large for it, or its own error); it can never be attached.</summary>
    public const string ScanFailed = "scan_failed";

    public static string Of(ScanVerdict verdict) => verdict switch
    {
        ScanVerdict.Clean => Clean,
        ScanVerdict.Infected => Infected,
        _ => ScanFailed,
    };
}
