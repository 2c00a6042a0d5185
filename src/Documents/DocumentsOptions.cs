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

    /// <summary>An unfinished resumable upload expires this long after its last PATCH.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan ResumableUploadLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How many unfinished resumable uploads one person or client may have at a time.</summary>
    [Range(1, 10_000)]
    public int MaxUnfinishedUploads { get; set; } = 20;

    /// <summary>Uploads attached to nothing are deleted after this long.</summary>
    public TimeSpan UnattachedRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often the sweeper deletes expired documents and removes content and temporary files nothing refers to.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Content younger than this is never removed as unreferenced: an upload commits its content a moment before its
    /// document row, and a temporary file of a running upload is younger too.
    /// </summary>
    public TimeSpan SweepGrace { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long documents attached to a submission are kept after it is decided or withdrawn, for a municipality that
    /// set no period of its own (SetRetentionPolicy).
    /// </summary>
    public TimeSpan AttachedRetention { get; set; } = TimeSpan.FromDays(730);
}
