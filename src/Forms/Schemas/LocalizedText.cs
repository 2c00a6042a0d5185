namespace EfaPlatform.Forms.Schemas;

/// <summary>A text in German (always), English and French (the platform serves cross-border regions).</summary>
public sealed record LocalizedText(string De, string? En = null, string? Fr = null)
{
    public static readonly IReadOnlyList<string> Languages = ["de", "en", "fr"];

    /// <summary>The text in <paramref name="language"/>, falling back to German.</summary>
    public string In(string language) => language switch
    {
        "en" => En ?? De,
        "fr" => Fr ?? De,
        _ => De,
    };
}
