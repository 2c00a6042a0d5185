namespace EfaPlatform.Identity.Data;

public enum AccountKind
{
    Citizen,
    Organisation,
    Staff,
    Operator,
}

/// <summary>A person or organisation that signs in with e-mail and password.</summary>
public sealed class Account
{
    public Guid Id { get; set; }

    public AccountKind Kind { get; set; }

    /// <summary>Set for staff: the tenant they work for.</summary>
    public Guid? TenantId { get; set; }

    /// <summary>Lower-case; unique across the platform.</summary>
    public required string Email { get; set; }

    public required string DisplayName { get; set; }

    public required string PasswordHash { get; set; }

    public List<string> Roles { get; set; } = [];

    /// <summary>Base32 TOTP secret, protected with Data Protection; null while no second factor is set up.</summary>
    public string? ProtectedTotpSecret { get; set; }

    public bool TotpEnabled { get; set; }

    public int FailedSignIns { get; set; }

    public DateTimeOffset? LockedUntil { get; set; }

    public bool Active { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }
}
