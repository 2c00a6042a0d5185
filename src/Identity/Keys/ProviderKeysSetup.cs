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
        // OpenIddict would put any valid X.509 key ahead of other keys, and has no dates for the others: so every signing
        // key is given as a plain key (kid = the certificate's thumbprint, as before), in the order it should sign: the
        // newest of those already valid first, keys published ahead of their time (a planned rotation) last. The order
        // is made once, when the options are built: a key published ahead signs from the first start after it is due.
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var certificate in signing.OrderBy(c => c.NotBefore.ToUniversalTime() > now).ThenByDescending(c => c.NotAfter))
        {
            // IdentityModel signs ES256 only with an ECDsaSecurityKey. Keys made before signing moved to ECDSA are RSA,
            // and sign RS256 until a rotation adds a newer key.
            options.SigningCredentials.Add(certificate.GetECDsaPrivateKey() is { } ecdsa
                ? new SigningCredentials(new ECDsaSecurityKey(ecdsa) { KeyId = certificate.Thumbprint }, SecurityAlgorithms.EcdsaSha256)
                : new SigningCredentials(new RsaSecurityKey(certificate.GetRSAPrivateKey()!) { KeyId = certificate.Thumbprint }, SecurityAlgorithms.RsaSha256));
        }

        foreach (var certificate in encryption)
        {
            options.EncryptionCredentials.Add(new EncryptingCredentials(
                new X509SecurityKey(certificate), SecurityAlgorithms.RsaOAEP, SecurityAlgorithms.Aes256CbcHmacSha512));
        }
    }
}
