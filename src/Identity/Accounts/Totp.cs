using Microsoft.AspNetCore.DataProtection;
using OtpNet;

namespace EfaPlatform.Identity.Accounts;

/// <summary>RFC 6238 codes (30 s, 6 digits). Secrets are stored protected with Data Protection, never in clear.</summary>
public sealed class Totp(IDataProtectionProvider dataProtection)
{
    private readonly IDataProtector _protector = dataProtection.CreateProtector("efa.identity.totp.v1");

    public (string Secret, string ProtectedSecret) NewSecret()
    {
        var secret = Base32Encoding.ToString(KeyGeneration.GenerateRandomKey(20));
        return (secret, _protector.Protect(secret));
    }

    public bool Verify(string protectedSecret, string code)
    {
        if (code.Length != 6 || !code.All(char.IsAsciiDigit))
        {
            return false;
        }

        var totp = new OtpNet.Totp(Base32Encoding.ToBytes(_protector.Unprotect(protectedSecret)));
        return totp.VerifyTotp(code, out _, new VerificationWindow(previous: 1, future: 1));
    }

    public static string OtpAuthUri(string secret, string email) =>
        $"otpauth://totp/EfaPlatform:{Uri.EscapeDataString(email)}?secret={secret}&issuer=EfaPlatform&digits=6&period=30";
}
