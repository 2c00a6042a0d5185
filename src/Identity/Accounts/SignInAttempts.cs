using EfaPlatform.Identity.Data;
using Microsoft.EntityFrameworkCore;

namespace EfaPlatform.Identity.Accounts;

/// <summary>
/// An account's failure counter and the wait it imposes, changed only by single SQL statements: parallel requests are
/// counted one by one, never read, incremented in memory and written back over each other.
/// <para>
/// A password check is counted before it runs, and only when the account is not waiting, in one UPDATE: of 50 parallel
/// guesses exactly <see cref="IdentityServiceOptions.MaxFailedSignIns"/> are checked. From that many failures on, each
/// count moves "LockedUntil" to now + <see cref="IdentityServiceOptions.SignInBackoff"/> · 2^(failures − maximum), at most
/// <see cref="IdentityServiceOptions.LockoutDuration"/>; a check asked for before then is refused unchecked and uncounted,
/// so failing on purpose cannot renew the wait faster than it runs out. A success resets both columns.
/// </para>
/// </summary>
internal static class SignInAttempts
{
    // {0} failures before waits begin, {1} now, {2} first wait in seconds, {3} longest wait in seconds, {4} the account.
    // The exponent is capped so that power() cannot overflow however often an account fails.
    private const string CountOne = """
        "FailedSignIns" = "FailedSignIns" + 1,
        "LockedUntil" = CASE WHEN "FailedSignIns" + 1 < {0} THEN "LockedUntil"
            ELSE {1} + make_interval(secs => LEAST({2} * power(2, LEAST("FailedSignIns" + 1 - {0}, 30)), {3})) END
        """;

    private const string BeginCheckSql = $$"""
        UPDATE accounts SET {{CountOne}}
        WHERE "Id" = {4} AND ("FailedSignIns" < {0} OR "LockedUntil" IS NULL OR "LockedUntil" <= {1})
        RETURNING "FailedSignIns" AS "Value"
        """;

    private const string CountFailureSql = $$"""
        UPDATE accounts SET {{CountOne}}
        WHERE "Id" = {4}
        RETURNING "FailedSignIns" AS "Value"
        """;

    /// <summary>Counts a check that is about to run; null when the account is waiting and the check must not run.</summary>
    public static async Task<int?> TryBeginAsync(IdentityDb db, Guid accountId, IdentityServiceOptions options, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var counted = await db.Database.SqlQueryRaw<int>(BeginCheckSql, Parameters(accountId, options, now)).ToListAsync(cancellationToken);
        return counted.Count == 1 ? counted[0] : null;
    }

    /// <summary>Counts a failure of a check that does not wait (password and code together); returns the new count.</summary>
    public static async Task<int> CountFailureAsync(IdentityDb db, Guid accountId, IdentityServiceOptions options, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var counted = await db.Database.SqlQueryRaw<int>(CountFailureSql, Parameters(accountId, options, now)).ToListAsync(cancellationToken);
        return counted.Count == 1 ? counted[0] : 0;
    }

    /// <summary>Takes back a counted check that turned out right but is not the end of the sign-in (a code is still due).</summary>
    public static Task RefundAsync(IdentityDb db, Guid accountId, CancellationToken cancellationToken) =>
        db.Accounts.Where(a => a.Id == accountId && a.FailedSignIns > 0)
            .ExecuteUpdateAsync(set => set.SetProperty(a => a.FailedSignIns, a => a.FailedSignIns - 1), cancellationToken);

    public static Task ResetAsync(IdentityDb db, Guid accountId, CancellationToken cancellationToken) =>
        db.Accounts.Where(a => a.Id == accountId)
            .ExecuteUpdateAsync(set => set.SetProperty(a => a.FailedSignIns, 0).SetProperty(a => a.LockedUntil, (DateTimeOffset?)null), cancellationToken);

    private static object[] Parameters(Guid accountId, IdentityServiceOptions options, DateTimeOffset now) =>
        [options.MaxFailedSignIns, now, options.SignInBackoff.TotalSeconds, options.LockoutDuration.TotalSeconds, accountId];
}
