using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EfaPlatform.Identity.Data;
using Microsoft.EntityFrameworkCore;

namespace EfaPlatform.Identity.Keys;

/// <summary>
/// The provider's signing and encryption keys, kept in the database so that every instance and every restart uses the
/// same ones. Rotation adds a newer key; OpenIddict signs with the valid key that expires last and publishes all valid ones.
/// </summary>
public static class KeyStore
{
    private const long RotationLockKey = 0x4566_614B_6579;

    public static async Task<IReadOnlyList<X509Certificate2>> LoadOrCreateAsync(
        IdentityDb db, KeyUse use, IdentityServiceOptions options, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var keys = await PublishedKeysAsync(db, use, now, cancellationToken);
        if (!keys.Any(key => key.NotBefore <= now))
        {
            await RotateAsync(db, use, options, TimeSpan.Zero, cancellationToken);
            keys = await PublishedKeysAsync(db, use, now, cancellationToken);
        }

        return keys.Select(key => X509CertificateLoader.LoadPkcs12(key.Pkcs12, options.KeySecret, X509KeyStorageFlags.EphemeralKeySet)).ToList();
    }

    /// <summary>
    /// Adds a new key. It is published at once and signs from <paramref name="activateAfter"/> on, so that services
    /// have fetched it before the first token signed with it arrives; older keys stay published until they expire.
    /// </summary>
    public static async Task RotateAsync(IdentityDb db, KeyUse use, IdentityServiceOptions options, TimeSpan activateAfter, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlRawAsync($"select pg_advisory_xact_lock({RotationLockKey})", cancellationToken);
        var now = DateTimeOffset.UtcNow + activateAfter;
        var notAfter = now + options.SigningKeyLifetime + options.AccessTokenLifetime;
        using var certificate = NewCertificate(use, now.AddMinutes(-5), notAfter);
        db.SigningKeys.Add(new SigningKey
        {
            Id = Guid.CreateVersion7(),
            Use = use,
            Pkcs12 = certificate.Export(X509ContentType.Pkcs12, options.KeySecret),
            NotBefore = now.AddMinutes(-5),
            NotAfter = notAfter,
            CreatedAt = now,
        });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Signing keys are ECDSA P-256 (ES256): a signature costs about 0.02 ms where RSA-3072 costs 1.8 ms, and every
    /// sign-in signs an authorization code, an access token and an ID token (bench/README.md, sign-in); both meet BSI
    /// TR-02102-1. Encryption keys (of codes and refresh tokens, read only by identity itself) stay RSA-3072 with OAEP.
    /// </summary>
    private static X509Certificate2 NewCertificate(KeyUse use, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var subject = $"CN=EfaPlatform identity {use.ToString().ToLowerInvariant()} key";
        if (use == KeyUse.Signing)
        {
            using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var signing = new CertificateRequest(subject, ecdsa, HashAlgorithmName.SHA256);
            signing.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
            return signing.CreateSelfSigned(notBefore, notAfter);
        }

        using var rsa = RSA.Create(3072);
        var encryption = new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        encryption.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment, critical: true));
        return encryption.CreateSelfSigned(notBefore, notAfter);
    }

    /// <summary>Keys not yet expired, including those that will sign only later (published ahead of use).</summary>
    private static Task<List<SigningKey>> PublishedKeysAsync(IdentityDb db, KeyUse use, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.SigningKeys.AsNoTracking()
            .Where(key => key.Use == use && key.NotAfter > now)
            .OrderByDescending(key => key.NotAfter)
            .ToListAsync(cancellationToken);
}
