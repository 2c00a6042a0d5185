using System.Security.Cryptography;
using System.Text;

namespace EfaPlatform.ServiceDefaults;

/// <summary>
/// Seals secrets a service must read back (callback secrets) with AES-256-GCM under a key derived from the service's
/// configured secret key and a purpose, so that a copy of the database alone reveals none. The associated data binds a
/// sealed value to its row: copied to another row it does not open.
/// </summary>
public sealed class SecretSealer(string secretKey, string purpose)
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _key = SHA256.HashData(Encoding.UTF8.GetBytes(purpose + ":" + secretKey));

    public byte[] Seal(string secret, ReadOnlySpan<byte> associatedData)
    {
        var plain = Encoding.UTF8.GetBytes(secret);
        var sealedSecret = new byte[NonceSize + TagSize + plain.Length];
        RandomNumberGenerator.Fill(sealedSecret.AsSpan(0, NonceSize));
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(sealedSecret.AsSpan(0, NonceSize), plain, sealedSecret.AsSpan(NonceSize + TagSize), sealedSecret.AsSpan(NonceSize, TagSize), associatedData);
        return sealedSecret;
    }

    /// <exception cref="CryptographicException">Sealed under another key or for another row.</exception>
    public string Unseal(byte[] sealedSecret, ReadOnlySpan<byte> associatedData)
    {
        if (sealedSecret.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("The sealed secret is too short.");
        }

        var plain = new byte[sealedSecret.Length - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(sealedSecret.AsSpan(0, NonceSize), sealedSecret.AsSpan(NonceSize + TagSize), sealedSecret.AsSpan(NonceSize, TagSize), plain, associatedData);
        return Encoding.UTF8.GetString(plain);
    }
}
