namespace EfaPlatform.Forms;

/// <summary>Configuration section "Forms".</summary>
public sealed class FormsOptions
{
    public const string SectionName = "Forms";

    /// <summary>How long a draft is kept after it was last saved.</summary>
    public TimeSpan DraftLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Largest answers document accepted, in bytes of JSON.</summary>
    public int MaxAnswersBytes { get; set; } = 512 * 1024;

    /// <summary>Development only: a tenant for which the migration step activates every catalog service it has not activated yet.</summary>
    public FormsSeedOptions Seed { get; set; } = new();
}

public sealed class FormsSeedOptions
{
    public Guid? TenantId { get; set; }

    public string ReferencePrefix { get; set; } = "EFA";

    public string ContactEmail { get; set; } = "buergerservice@example.de";
}
