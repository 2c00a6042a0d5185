namespace EfaPlatform.Identity.Data;

/// <summary>A municipality or other authority body.</summary>
public sealed class Tenant
{
    public Guid Id { get; set; }

    public required string Slug { get; set; }

    public required string DisplayName { get; set; }

    /// <summary>Amtlicher Regionalschlüssel, 12 digits.</summary>
    public required string Ars { get; set; }

    public required string ContactEmail { get; set; }

    public bool Active { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
