using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EfaPlatform.Routing.Authorities;
using Microsoft.AspNetCore.WebUtilities;

namespace EfaPlatform.Routing.Deliveries;

/// <summary>
/// JWE compact serialization (RFC 7516) with RSA-OAEP-256 key wrapping and A256GCM content encryption, the scheme
/// FIT-Connect uses: .NET's own RSA and AesGcm, since Microsoft.IdentityModel makes no A256GCM JWEs (its key wrap
/// knows only the AES-CBC-HMAC encryptions). The AES-GCM authenticated data is the ASCII of the encoded protected header.
/// </summary>
public static class JweEncryption
{
    public static string Encrypt(ReadOnlySpan<byte> plaintext, string recipientJwk)
    {
        var header = new Dictionary<string, string> { ["alg"] = "RSA-OAEP-256", ["enc"] = "A256GCM", ["cty"] = "application/json" };
        if (JsonWebKeys.KeyIdOf(recipientJwk) is { } keyId)
        {
            header["kid"] = keyId;
        }

        var encodedHeader = WebEncoders.Base64UrlEncode(JsonSerializer.SerializeToUtf8Bytes(header));
        var contentKey = RandomNumberGenerator.GetBytes(32);
        var iv = RandomNumberGenerator.GetBytes(12);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[16];
        try
        {
            using (var aes = new AesGcm(contentKey, tag.Length))
            {
                aes.Encrypt(iv, plaintext, ciphertext, tag, Encoding.ASCII.GetBytes(encodedHeader));
            }

            using var rsa = JsonWebKeys.ToRsa(recipientJwk);
            var encryptedKey = rsa.Encrypt(contentKey, RSAEncryptionPadding.OaepSHA256);
            return string.Join('.', encodedHeader, WebEncoders.Base64UrlEncode(encryptedKey), WebEncoders.Base64UrlEncode(iv),
                WebEncoders.Base64UrlEncode(ciphertext), WebEncoders.Base64UrlEncode(tag));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(contentKey);
        }
    }
}
