namespace EfaPlatform.Identity.Data;

public enum KeyUse
{
    Signing,
    Encryption,
}

/// <summary>
/// A key of the OpenID Connect provider as an X.509 certificate (PKCS#12, protected with the configured key secret), so
/// that tokens survive restarts and keys can be rotated: every key still valid is published; the newest signs.
/// </summary>
public sealed class SigningKey
{
    public Guid Id { get; set; }

    public KeyUse Use { get; set; }

    public required byte[] Pkcs12 { get; set; }

    public DateTimeOffset NotBefore { get; set; }

    public DateTimeOffset NotAfter { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
