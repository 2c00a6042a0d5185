using System.Security.Cryptography;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using EfaPlatform.Identity.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EfaPlatform.Identity.Keys;

/// <summary>
/// The Data Protection key ring (it protects TOTP secrets and sign-in cookies) is stored in the identity database next
/// to what it protects, so its keys are stored encrypted: AES-256-GCM with a key derived by HKDF-SHA256 from
/// Identity:KeySecret, the secret that already protects the signing keys. The database alone reveals nothing.
/// Keys written before this existed are in clear: the migrate step encrypts them in place (<see cref="EncryptClearKeysAsync"/>);
/// until then they stay readable, as Data Protection reads an unencrypted key as it is.
/// Changing Identity:KeySecret makes the key ring unreadable, like the signing keys.
/// </summary>
public static class KeyRingProtection
{
    private static readonly XNamespace DataProtectionNamespace = "http://schemas.asp.net/2015/03/dataProtection";
    private static readonly XName EncryptedSecret = DataProtectionNamespace + "encryptedSecret";
    private static readonly XName RequiresEncryption = DataProtectionNamespace + "requiresEncryption";

    /// <summary>New keys are encrypted with <see cref="KeyRingCipher"/>; stored ones are decrypted with it.</summary>
    public static IDataProtectionBuilder ProtectKeysWithKeySecret(this IDataProtectionBuilder builder)
    {
        builder.Services.AddSingleton(services => new KeyRingCipher(services.GetRequiredService<IOptions<IdentityServiceOptions>>().Value.KeySecret));
        builder.Services.AddOptions<KeyManagementOptions>()
            .Configure<KeyRingCipher>((options, cipher) => options.XmlEncryptor = new KeyRingEncryptor(cipher));
        return builder;
    }

    /// <summary>Encrypts the secret parts of keys stored in clear (written before the key ring was protected); returns how many keys changed.</summary>
    public static async Task<int> EncryptClearKeysAsync(IdentityDb db, KeyRingCipher cipher, CancellationToken cancellationToken)
    {
        var changed = 0;
        foreach (var key in await db.DataProtectionKeys.Where(row => row.Xml != null).ToListAsync(cancellationToken))
        {
            var element = XElement.Parse(key.Xml!);
            if (EncryptClearParts(element, cipher))
            {
                key.Xml = element.ToString(SaveOptions.DisableFormatting);
                changed++;
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        return changed;
    }

    /// <summary>
    /// Replaces every element of <paramref name="key"/> that Data Protection marked as requiring encryption by its
    /// encrypted form, the way Data Protection itself does when it writes a key with an encryptor.
    /// </summary>
    public static bool EncryptClearParts(XElement key, KeyRingCipher cipher)
    {
        var clear = key.Descendants()
            .Where(element => (string?)element.Attribute(RequiresEncryption) is { } value && XmlConvert.ToBoolean(value))
            .ToList();
        foreach (var element in clear)
        {
            element.ReplaceWith(new XElement(EncryptedSecret,
                new XAttribute("decryptorType", typeof(KeyRingDecryptor).AssemblyQualifiedName!),
                cipher.Encrypt(new XElement(element))));
        }

        return clear.Count > 0;
    }
}

/// <summary>AES-256-GCM with a key derived from Identity:KeySecret; the element's XML is the plaintext.</summary>
public sealed class KeyRingCipher
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly XName EncryptedKey = XNamespace.Get("urn:efaplatform:identity:key-ring") + "encryptedKey";
    private static readonly byte[] Purpose = Encoding.UTF8.GetBytes("efa.identity.data-protection-key-ring.v1");
    private readonly byte[] _key;

    public KeyRingCipher(string keySecret)
    {
        if (string.IsNullOrEmpty(keySecret))
        {
            throw new InvalidOperationException("Identity:KeySecret is required: it protects the stored signing keys and the Data Protection key ring.");
        }

        _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(keySecret), 32, salt: [], info: Purpose);
    }

    public XElement Encrypt(XElement plaintextElement)
    {
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var sealedBytes = new byte[NonceSize + plaintext.Length + TagSize];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(_key, TagSize))
        {
            aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(NonceSize, plaintext.Length), sealedBytes.AsSpan(NonceSize + plaintext.Length), Purpose);
        }

        CryptographicOperations.ZeroMemory(plaintext);
        return new XElement(EncryptedKey, new XAttribute("alg", "A256GCM"), new XAttribute("kdf", "HKDF-SHA256"), Convert.ToBase64String(sealedBytes));
    }

    public XElement Decrypt(XElement encryptedElement)
    {
        if (encryptedElement.Name != EncryptedKey)
        {
            throw new CryptographicException($"Not a key encrypted with Identity:KeySecret: {encryptedElement.Name}.");
        }

        var sealedBytes = Convert.FromBase64String(encryptedElement.Value);
        if (sealedBytes.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("The encrypted Data Protection key is truncated.");
        }

        var plaintext = new byte[sealedBytes.Length - NonceSize - TagSize];
        try
        {
            using (var aes = new AesGcm(_key, TagSize))
            {
                aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize, plaintext.Length),
                    sealedBytes.AsSpan(NonceSize + plaintext.Length), plaintext, Purpose);
            }

            return XElement.Parse(Encoding.UTF8.GetString(plaintext));
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new CryptographicException("A Data Protection key cannot be decrypted: it was encrypted with another Identity:KeySecret.", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}

/// <summary>Encrypts each new Data Protection key before it is stored.</summary>
public sealed class KeyRingEncryptor(KeyRingCipher cipher) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement) => new(cipher.Encrypt(plaintextElement), typeof(KeyRingDecryptor));
}

/// <summary>
/// Named in every stored key ("decryptorType"), so it keeps this name and namespace. Data Protection creates it with its
/// service provider; without a <see cref="KeyRingCipher"/> there (no Identity:KeySecret) no key can be read.
/// </summary>
public sealed class KeyRingDecryptor(IServiceProvider? services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement) =>
        (services?.GetService<KeyRingCipher>()
         ?? throw new CryptographicException("The Data Protection key ring is encrypted: reading it needs Identity:KeySecret."))
        .Decrypt(encryptedElement);
}
