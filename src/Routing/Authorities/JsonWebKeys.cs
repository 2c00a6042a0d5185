using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace EfaPlatform.Routing.Authorities;

/// <summary>A destination's RSA public key, given as a JSON Web Key (RFC 7517).</summary>
public static class JsonWebKeys
{
    public static RSA ToRsa(string jwk)
    {
        using var document = JsonDocument.Parse(jwk);
        var root = document.RootElement;
        if (root.GetProperty("kty").GetString() != "RSA")
        {
            throw new FormatException("kty must be RSA");
        }

        var rsa = RSA.Create();
        rsa.ImportParameters(new RSAParameters
        {
            Modulus = WebEncoders.Base64UrlDecode(root.GetProperty("n").GetString()!),
            Exponent = WebEncoders.Base64UrlDecode(root.GetProperty("e").GetString()!),
        });
        return rsa;
    }

    private static readonly string[] PrivateParts = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

    public static bool HasPrivateParts(string jwk)
    {
        using var document = JsonDocument.Parse(jwk);
        return document.RootElement.ValueKind == JsonValueKind.Object && PrivateParts.Any(part => document.RootElement.TryGetProperty(part, out _));
    }

    /// <summary>The JWK as stored and shown: kty, n, e and kid only.</summary>
    public static string PublicOnly(string jwk)
    {
        using var document = JsonDocument.Parse(jwk);
        var root = document.RootElement;
        var kept = new Dictionary<string, string> { ["kty"] = "RSA", ["n"] = root.GetProperty("n").GetString()!, ["e"] = root.GetProperty("e").GetString()! };
        if (KeyIdOf(jwk) is { } keyId)
        {
            kept["kid"] = keyId;
        }

        return JsonSerializer.Serialize(kept);
    }

    /// <summary>The key id ("kid") when the JWK has one.</summary>
    public static string? KeyIdOf(string jwk)
    {
        using var document = JsonDocument.Parse(jwk);
        return document.RootElement.TryGetProperty("kid", out var kid) && kid.ValueKind == JsonValueKind.String ? kid.GetString() : null;
    }
}
