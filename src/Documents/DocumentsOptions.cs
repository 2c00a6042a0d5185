using System.ComponentModel.DataAnnotations;

namespace EfaPlatform.Documents;

/// <summary>Configuration section "Documents".</summary>
public sealed class DocumentsOptions
{
    public const string SectionName = "Documents";

    /// <summary>Folder of the file-system blob store (content by SHA-256, and its temporary files).</summary>
    [Required]
    public string StoragePath { get; set; } = "";

    /// <summary>The platform's largest file; an online service may allow less, never more.</summary>
    [Range(1, 1L << 40)]
    public long MaxFileBytes { get; set; } = 20 * 1024 * 1024;

    /// <summary>How often documents still waiting for a malware scan (the scanner was down) are tried again.</summary>
    public TimeSpan ScanRetryInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long documents stay held for a submission that forms checked but has not announced as stored.</summary>
    public TimeSpan ReservationPeriod { get; set; } = TimeSpan.FromHours(24);
}
