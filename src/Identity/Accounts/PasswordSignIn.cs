using EfaPlatform.Identity.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EfaPlatform.Identity.Accounts;

public enum SignInOutcome
{
    Succeeded,
    NeedsTotp,
    WrongCredentials,
    LockedOut,
    Inactive,
}

public sealed record SignInResult(SignInOutcome Outcome, Account? Account = null);

/// <summary>
/// Checks e-mail and password (and the TOTP code where set up). After too many failures the account is locked for a
/// while; the answer for an unknown e-mail and for a wrong password is the same, so accounts cannot be probed.
/// </summary>
public sealed partial class PasswordSignIn(IdentityDb db, Totp totp, IOptions<IdentityServiceOptions> options, ILogger<PasswordSignIn> logger)
{
    private static readonly PasswordHasher<Account> Hasher = new();

    public static string Hash(Account account, string password) => Hasher.HashPassword(account, password);

    public async Task<SignInResult> CheckPasswordAsync(string email, string password, CancellationToken cancellationToken)
    {
        var account = await db.Accounts.SingleOrDefaultAsync(a => a.Email == email.Trim().ToLowerInvariant(), cancellationToken);
        if (account is null)
        {
            // Same work as for a real account, so timing tells nothing either.
            Hasher.VerifyHashedPassword(new Account { Email = "", DisplayName = "", PasswordHash = "" }, DummyHash, password);
            return new SignInResult(SignInOutcome.WrongCredentials);
        }

        if (account.LockedUntil > DateTimeOffset.UtcNow)
        {
            return new SignInResult(SignInOutcome.LockedOut);
        }

        if (Hasher.VerifyHashedPassword(account, account.PasswordHash, password) == PasswordVerificationResult.Failed)
        {
            await RecordFailureAsync(account, cancellationToken);
            return new SignInResult(account.LockedUntil > DateTimeOffset.UtcNow ? SignInOutcome.LockedOut : SignInOutcome.WrongCredentials);
        }

        if (!account.Active || !await TenantIsActiveAsync(account, cancellationToken))
        {
            return new SignInResult(SignInOutcome.Inactive);
        }

        if (account.TotpEnabled)
        {
            return new SignInResult(SignInOutcome.NeedsTotp, account);
        }

        await RecordSuccessAsync(account, cancellationToken);
        return new SignInResult(SignInOutcome.Succeeded, account);
    }

    public async Task<SignInResult> CheckTotpAsync(Guid accountId, string code, CancellationToken cancellationToken)
    {
        var account = await db.Accounts.SingleAsync(a => a.Id == accountId, cancellationToken);
        if (account.LockedUntil > DateTimeOffset.UtcNow)
        {
            return new SignInResult(SignInOutcome.LockedOut);
        }

        if (account.ProtectedTotpSecret is null || !totp.Verify(account.ProtectedTotpSecret, code.Trim()))
        {
            await RecordFailureAsync(account, cancellationToken);
            return new SignInResult(account.LockedUntil > DateTimeOffset.UtcNow ? SignInOutcome.LockedOut : SignInOutcome.WrongCredentials);
        }

        await RecordSuccessAsync(account, cancellationToken);
        return new SignInResult(SignInOutcome.Succeeded, account);
    }

    public async Task<bool> TenantIsActiveAsync(Account account, CancellationToken cancellationToken) =>
        account.TenantId is not { } tenantId || await db.Tenants.AnyAsync(t => t.Id == tenantId && t.Active, cancellationToken);

    private async Task RecordFailureAsync(Account account, CancellationToken cancellationToken)
    {
        account.FailedSignIns++;
        if (account.FailedSignIns >= options.Value.MaxFailedSignIns)
        {
            account.LockedUntil = DateTimeOffset.UtcNow + options.Value.LockoutDuration;
            account.FailedSignIns = 0;
            LogLockedOut(logger, account.Id);
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task RecordSuccessAsync(Account account, CancellationToken cancellationToken)
    {
        account.FailedSignIns = 0;
        account.LockedUntil = null;
        await db.SaveChangesAsync(cancellationToken);
    }

    private static readonly string DummyHash = Hasher.HashPassword(new Account { Email = "", DisplayName = "", PasswordHash = "" }, Guid.NewGuid().ToString());

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {AccountId} locked after repeated failed sign-ins")]
    private static partial void LogLockedOut(ILogger logger, Guid accountId);
}
