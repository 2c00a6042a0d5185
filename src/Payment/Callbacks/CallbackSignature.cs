using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace EfaPlatform.Payment.Callbacks;

/// <summary>
/// The signature of a provider's callback, in the header <c>Efa-Signature: t=1764780000,v1=5f2b…</c>: HMAC-SHA256 with
/// the municipality's callback secret over "{t}.{raw body}", t in Unix seconds. A callback is taken only within
/// <see cref="Window"/> of t, so a recorded one cannot be played again later; within it the receipts refuse replays.
/// </summary>
public static class CallbackSignature
{
    public const string Header = "Efa-Signature";
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    public static string Create(byte[] secret, DateTimeOffset at, ReadOnlySpan<byte> body)
    {
        var timestamp = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={timestamp},v1={Convert.ToHexStringLower(Mac(secret, timestamp, body))}";
    }

    /// <summary>Why the header does not vouch for <paramref name="body"/> at <paramref name="now"/>, or null when it does.</summary>
    public static string? Problem(string? header, IEnumerable<byte[]> secrets, DateTimeOffset now, ReadOnlySpan<byte> body)
    {
        if (!TryParse(header, out var timestamp, out var signatures))
        {
            return $"The {Header} header is missing or not of the form t=<unix seconds>,v1=<hex HMAC-SHA256>.";
        }

        var at = DateTimeOffset.FromUnixTimeSeconds(timestamp);
        if ((now - at).Duration() > Window)
        {
            return $"The callback was signed at {at:O}, more than {Window.TotalMinutes} minutes from now.";
        }

        var text = timestamp.ToString(CultureInfo.InvariantCulture);
        foreach (var secret in secrets)
        {
            var expected = Mac(secret, text, body);
            if (signatures.Any(signature => CryptographicOperations.FixedTimeEquals(signature, expected)))
            {
                return null;
            }
        }

        return "The callback's signature does not match any of the municipality's callback secrets.";
    }

    private static bool TryParse(string? header, out long timestamp, out List<byte[]> signatures)
    {
        timestamp = 0;
        signatures = [];
        if (header is null || header.Length > 1024)
        {
            return false;
        }

        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries))
        {
            if (part.StartsWith("t=", StringComparison.Ordinal))
            {
                if (!long.TryParse(part.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out timestamp) || timestamp > 100_000_000_000)
                {
                    return false;
                }
            }
            else if (part.StartsWith("v1=", StringComparison.Ordinal) && part.Length == 3 + 64)
            {
                try
                {
                    signatures.Add(Convert.FromHexString(part.AsSpan(3)));
                }
                catch (FormatException)
                {
                    return false;
                }
            }
        }

        return timestamp > 0 && signatures.Count > 0;
    }

    private static byte[] Mac(byte[] secret, string timestamp, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret);
        hmac.AppendData(Encoding.ASCII.GetBytes(timestamp + "."));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }
}
