namespace EfaPlatform.Forms;

/// <summary>Configuration section "Forms".</summary>
public sealed class FormsOptions
{
    public const string SectionName = "Forms";

    /// <summary>How long a draft is kept after it was last saved.</summary>
    public TimeSpan DraftLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Largest answers document accepted, in bytes of JSON.</summary>
    public int MaxAnswersBytes { get; set; } = 512 * 1024;
}
