using EfaPlatform.Identity.Data;
using System.Security.Cryptography.X509Certificates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;

namespace EfaPlatform.Identity.Keys;

/// <summary>Gives OpenIddict the stored keys (making the first ones when there are none) when its options are first built.</summary>
internal sealed class ProviderKeysSetup(IServiceScopeFactory scopes, IOptions<IdentityServiceOptions> identity, TimeProvider clock) : IConfigureOptions<OpenIddictServerOptions>
{
    public void Configure(OpenIddictServerOptions options)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDb>();
        // Options are built synchronously; this runs once, at the first request.
        var signing = KeyStore.LoadOrCreateAsync(db, KeyUse.Signing, identity.Value, CancellationToken.None).GetAwaiter().GetResult();
        var encryption = KeyStore.LoadOrCreateAsync(db, KeyUse.Encryption, identity.Value, CancellationToken.None).GetAwaiter().GetResult();
        // OpenIddict orders X.509 keys by their validity itself, but has no dates for an ECDsaSecurityKey and keeps such
        // keys in the order given (it signs with the first): so the key that signs now comes first (the newest of those
        // already valid), and keys published ahead of their time (a planned rotation) come last.
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var certificate in signing.OrderBy(c => c.NotBefore.ToUniversalTime() > now).ThenByDescending(c => c.NotAfter))
        {
            // Keys made before signing moved to ECDSA are RSA, and sign RS256 until they expire or are rotated away.
            // IdentityModel signs ES256 only with an ECDsaSecurityKey, not with an X509SecurityKey holding an EC key.
            options.SigningCredentials.Add(certificate.GetECDsaPrivateKey() is { } ecdsa
                ? new SigningCredentials(new ECDsaSecurityKey(ecdsa) { KeyId = certificate.Thumbprint }, SecurityAlgorithms.EcdsaSha256)
                : new SigningCredentials(new X509SecurityKey(certificate), SecurityAlgorithms.RsaSha256));
        }

        foreach (var certificate in encryption)
        {
            options.EncryptionCredentials.Add(new EncryptingCredentials(
                new X509SecurityKey(certificate), SecurityAlgorithms.RsaOAEP, SecurityAlgorithms.Aes256CbcHmacSha512));
        }
    }
}
