using System.Security.Cryptography;
using System.Text;

namespace EfaPlatform.Routing.Deliveries;

/// <summary>
/// How a push delivery is signed, FIT-Connect's callback scheme: header callback-authentication is the lowercase hex
/// HMAC-SHA512, keyed with the destination's callback secret (its UTF-8 bytes), over the UTF-8 of
/// "{callback-timestamp}.{body}"; callback-timestamp is the time of sending in Unix seconds. Receivers refuse
/// timestamps more than 5 minutes away from their clock.
/// </summary>
public static class DeliverySignature
{
    public const string SignatureHeader = "callback-authentication";
    public const string TimestampHeader = "callback-timestamp";
    public const string DeliveryIdHeader = "efa-delivery-id";

    /// <summary>The signature of a body read from <paramref name="body"/> (left at its end).</summary>
    public static async Task<string> SignAsync(string secret, long timestamp, Stream body, CancellationToken cancellationToken)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA512, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(Encoding.UTF8.GetBytes(timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture) + "."));
        var buffer = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            hmac.AppendData(buffer, 0, read);
        }

        return Convert.ToHexStringLower(hmac.GetHashAndReset());
    }
}
