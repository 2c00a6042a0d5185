using EfaPlatform.ServiceDefaults;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using OtpNet;
using StackExchange.Redis;

namespace EfaPlatform.Identity.Accounts;

/// <summary>
/// RFC 6238 codes (30 s, 6 digits; the step before and after the current one count for clock drift). Secrets are stored
/// protected with Data Protection, never in clear. Kept in Redis, per account:
/// <list type="bullet">
/// <item>the last time step a code signed in with (identity:totp-step:{account}): a code signs in once, and never one of
/// an older step; the check and the write are one Lua script, so two parallel uses of a code cannot both pass;</item>
/// <item>wrong codes given after a right password (identity:totp-failures:{account}), which bound the sign-in with password
/// and code that skips the password's wait (<see cref="PasswordSignIn"/>);</item>
/// <item>an enrolment waiting for its confirmation (identity:totp-enrolment:{account}): starting one changes nothing
/// until a code of the new secret confirms it.</item>
/// </list>
/// </summary>
public sealed class Totp(IDataProtectionProvider dataProtection, IConnectionMultiplexer redis, RedisKeys keys, IOptions<IdentityServiceOptions> options)
{
    private const string UseStepScript = """
        local last = redis.call('GET', KEYS[1])
        if last and tonumber(last) >= tonumber(ARGV[1]) then
            return 0
        end
        redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
        return 1
        """;

    private const string CountFailureScript = """
        local failures = redis.call('INCR', KEYS[1])
        redis.call('EXPIRE', KEYS[1], ARGV[1])
        return failures
        """;

    // A step verifies for at most 90 s (one step late); remembering it for 5 minutes outlives that with room for drift.
    private static readonly TimeSpan StepMemory = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan EnrollmentLifetime = TimeSpan.FromMinutes(15);

    /// <summary>The Data Protection purpose TOTP secrets are protected with (also by the development seed).</summary>
    public const string ProtectionPurpose = "efa.identity.totp.v1";

    private readonly IDataProtector _protector = dataProtection.CreateProtector(ProtectionPurpose);

    public (string Secret, string ProtectedSecret) NewSecret()
    {
        var secret = Base32Encoding.ToString(KeyGeneration.GenerateRandomKey(20));
        return (secret, _protector.Protect(secret));
    }

    /// <summary>Whether <paramref name="code"/> is a current code of the secret; for confirming an enrolment, which signs nobody in.</summary>
    public bool Verify(string protectedSecret, string code) => Matches(protectedSecret, code, out _);

    /// <summary>A code to sign in with: current, and of a newer time step than the last code this account signed in with.</summary>
    public async Task<bool> VerifyOnceAsync(Guid accountId, string protectedSecret, string code)
    {
        if (!Matches(protectedSecret, code, out var step))
        {
            return false;
        }

        var used = await redis.GetDatabase().ScriptEvaluateAsync(UseStepScript,
            new RedisKey[] { keys.For("totp-step", accountId.ToString()) }, new RedisValue[] { step, (long)StepMemory.TotalSeconds });
        return (long)used == 1;
    }

    public async Task<long> CodeFailuresAsync(Guid accountId)
    {
        var failures = await redis.GetDatabase().StringGetAsync(FailuresKey(accountId));
        return failures.TryParse(out long count) ? count : 0;
    }

    /// <summary>A wrong code after a right password; forgotten <see cref="IdentityServiceOptions.LockoutDuration"/> after the last one.</summary>
    public Task RecordCodeFailureAsync(Guid accountId) =>
        redis.GetDatabase().ScriptEvaluateAsync(CountFailureScript,
            new RedisKey[] { FailuresKey(accountId) }, new RedisValue[] { (long)options.Value.LockoutDuration.TotalSeconds });

    public Task ClearCodeFailuresAsync(Guid accountId) => redis.GetDatabase().KeyDeleteAsync(FailuresKey(accountId));

    /// <summary>A new secret for the account, kept (protected) until confirmed or for 15 minutes; the current one stays in force.</summary>
    public async Task<string> BeginEnrollmentAsync(Guid accountId)
    {
        var (secret, protectedSecret) = NewSecret();
        await redis.GetDatabase().StringSetAsync(EnrollmentKey(accountId), protectedSecret, EnrollmentLifetime);
        return secret;
    }

    /// <summary>The protected secret of the enrolment waiting for confirmation, if any.</summary>
    public async Task<string?> PendingEnrollmentAsync(Guid accountId) =>
        (string?)await redis.GetDatabase().StringGetAsync(EnrollmentKey(accountId));

    public Task EndEnrollmentAsync(Guid accountId) => redis.GetDatabase().KeyDeleteAsync(EnrollmentKey(accountId));

    public static string OtpAuthUri(string secret, string email) =>
        $"otpauth://totp/EfaPlatform:{Uri.EscapeDataString(email)}?secret={secret}&issuer=EfaPlatform&digits=6&period=30";

    private bool Matches(string protectedSecret, string code, out long step)
    {
        step = 0;
        if (code.Length != 6 || !code.All(char.IsAsciiDigit))
        {
            return false;
        }

        var totp = new OtpNet.Totp(Base32Encoding.ToBytes(_protector.Unprotect(protectedSecret)));
        return totp.VerifyTotp(code, out step, new VerificationWindow(previous: 1, future: 1));
    }

    private RedisKey FailuresKey(Guid accountId) => keys.For("totp-failures", accountId.ToString());

    private RedisKey EnrollmentKey(Guid accountId) => keys.For("totp-enrolment", accountId.ToString());
}
