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

/// <param name="SecondFactor">Whether a TOTP code was part of this sign-in (trust level substantial).</param>
public sealed record SignInResult(SignInOutcome Outcome, Account? Account = null, bool SecondFactor = false);

/// <summary>
/// Checks e-mail and password, and the TOTP code where one is set up. An unknown e-mail, a wrong password and an account
/// that has to wait after failures get the same answer after the same work (a password hash), so accounts cannot be
/// probed. Failed passwords and codes share one counter (<see cref="SignInAttempts"/>): after
/// <see cref="IdentityServiceOptions.MaxFailedSignIns"/> failures each further check waits, longer after each failure.
/// <para>
/// Nobody can keep a person with a second factor out by failing on purpose: a sign-in that brings the password and a
/// current code together is checked even while the password alone has to wait. It answers only "signed in" or the same
/// failure, so it tells nothing about the password alone; what bounds it is the number of wrong codes given after a
/// right password (<see cref="Totp.CodeFailuresAsync"/>), which only someone who knows the password can raise.
/// </para>
/// </summary>
public sealed partial class PasswordSignIn(IdentityDb db, Totp totp, IOptions<IdentityServiceOptions> options, TimeProvider clock, ILogger<PasswordSignIn> logger)
{
    private static readonly PasswordHasher<Account> Hasher = new();
    private static readonly Account Nobody = new() { Email = "", DisplayName = "", PasswordHash = "" };
    private static readonly string DummyHash = Hasher.HashPassword(Nobody, Guid.NewGuid().ToString());
    private static readonly SignInResult Wrong = new(SignInOutcome.WrongCredentials);

    public static string Hash(Account account, string password) => Hasher.HashPassword(account, password);

    public async Task<SignInResult> CheckPasswordAsync(string email, string password, CancellationToken cancellationToken) =>
        await CheckPasswordAsync(await FindAsync(email, cancellationToken), password, cancellationToken);

    /// <summary>The sign-in page's second form: password and code in one post, which does not wait after failed passwords.</summary>
    public async Task<SignInResult> CheckPasswordAndCodeAsync(string email, string password, string code, CancellationToken cancellationToken)
    {
        var account = await FindAsync(email, cancellationToken);
        if (account is not { TotpEnabled: true, ProtectedTotpSecret: { } secret })
        {
            // Without a second factor a code adds nothing; saying so would tell who has one.
            return await CheckPasswordAsync(account, password, cancellationToken);
        }

        if (await totp.CodeFailuresAsync(account.Id) >= options.Value.MaxFailedSignIns)
        {
            Hasher.VerifyHashedPassword(Nobody, DummyHash, password);
            return Wrong;
        }

        var passwordRight = PasswordMatches(account, password);
        if (!passwordRight || !await totp.VerifyOnceAsync(account.Id, secret, code.Trim()))
        {
            var failures = await SignInAttempts.CountFailureAsync(db, account.Id, options.Value, clock.GetUtcNow(), cancellationToken);
            if (passwordRight)
            {
                await totp.RecordCodeFailureAsync(account.Id);
            }

            NoteFailure(account.Id, failures);
            return Wrong;
        }

        if (!account.Active || !await TenantIsActiveAsync(account, cancellationToken))
        {
            return new SignInResult(SignInOutcome.Inactive);
        }

        await SucceedAsync(account.Id, cancellationToken);
        return new SignInResult(SignInOutcome.Succeeded, account, SecondFactor: true);
    }

    /// <summary>The code page, after a right password: the code counts like a password and waits like one.</summary>
    public async Task<SignInResult> CheckTotpAsync(Guid accountId, string code, CancellationToken cancellationToken)
    {
        var account = await db.Accounts.AsNoTracking().SingleAsync(a => a.Id == accountId, cancellationToken);
        if (await SignInAttempts.TryBeginAsync(db, account.Id, options.Value, clock.GetUtcNow(), cancellationToken) is not { } failures)
        {
            return new SignInResult(SignInOutcome.LockedOut);
        }

        if (account is not { TotpEnabled: true, ProtectedTotpSecret: { } secret } || !await totp.VerifyOnceAsync(account.Id, secret, code.Trim()))
        {
            await totp.RecordCodeFailureAsync(account.Id);
            NoteFailure(account.Id, failures);
            return Wrong;
        }

        await SucceedAsync(account.Id, cancellationToken);
        return new SignInResult(SignInOutcome.Succeeded, account, SecondFactor: true);
    }

    public async Task<bool> TenantIsActiveAsync(Account account, CancellationToken cancellationToken) =>
        account.TenantId is not { } tenantId || await db.Tenants.AnyAsync(t => t.Id == tenantId && t.Active, cancellationToken);

    private async Task<SignInResult> CheckPasswordAsync(Account? account, string password, CancellationToken cancellationToken)
    {
        if (account is null || await SignInAttempts.TryBeginAsync(db, account.Id, options.Value, clock.GetUtcNow(), cancellationToken) is not { } failures)
        {
            // Unknown, or waiting after failures: the same work and the same answer as a wrong password.
            Hasher.VerifyHashedPassword(Nobody, DummyHash, password);
            return Wrong;
        }

        if (!PasswordMatches(account, password))
        {
            NoteFailure(account.Id, failures);
            return Wrong;
        }

        if (!account.Active || !await TenantIsActiveAsync(account, cancellationToken))
        {
            await SignInAttempts.RefundAsync(db, account.Id, cancellationToken);
            return new SignInResult(SignInOutcome.Inactive);
        }

        if (account.TotpEnabled)
        {
            // The password was right; whether the sign-in fails is up to the code, which is counted on its own.
            await SignInAttempts.RefundAsync(db, account.Id, cancellationToken);
            return new SignInResult(SignInOutcome.NeedsTotp, account);
        }

        await SignInAttempts.ResetAsync(db, account.Id, cancellationToken);
        return new SignInResult(SignInOutcome.Succeeded, account);
    }

    private Task<Account?> FindAsync(string email, CancellationToken cancellationToken)
    {
        var normalized = email.Trim().ToLowerInvariant();
        return db.Accounts.AsNoTracking().SingleOrDefaultAsync(a => a.Email == normalized, cancellationToken);
    }

    private static bool PasswordMatches(Account account, string password) =>
        Hasher.VerifyHashedPassword(account, account.PasswordHash, password) != PasswordVerificationResult.Failed;

    private async Task SucceedAsync(Guid accountId, CancellationToken cancellationToken)
    {
        await SignInAttempts.ResetAsync(db, accountId, cancellationToken);
        await totp.ClearCodeFailuresAsync(accountId);
    }

    private void NoteFailure(Guid accountId, int failures)
    {
        if (failures >= options.Value.MaxFailedSignIns)
        {
            LogWaiting(logger, accountId, failures);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {AccountId} has {Failures} failed sign-ins in a row; its password checks now wait")]
    private static partial void LogWaiting(ILogger logger, Guid accountId, int failures);
}
