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
        using var rsa = RSA.Create(3072);
        var request = new CertificateRequest($"CN=EfaPlatform identity {use.ToString().ToLowerInvariant()} key", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            use == KeyUse.Signing ? X509KeyUsageFlags.DigitalSignature : X509KeyUsageFlags.KeyEncipherment, critical: true));
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), notAfter);
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

    /// <summary>Keys not yet expired, including those that will sign only later (published ahead of use).</summary>
    private static Task<List<SigningKey>> PublishedKeysAsync(IdentityDb db, KeyUse use, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.SigningKeys.AsNoTracking()
            .Where(key => key.Use == use && key.NotAfter > now)
            .OrderByDescending(key => key.NotAfter)
            .ToListAsync(cancellationToken);
}
