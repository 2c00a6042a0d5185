using EfaPlatform.Identity.Data;
using EfaPlatform.ServiceDefaults.Auth;
using Microsoft.EntityFrameworkCore;

namespace EfaPlatform.Identity.Accounts;

/// <summary>
/// Fictitious people for the development eID. Each gets a citizen account on first use, keyed by a pseudonym, as the real
/// eID service gives a service-specific pseudonym instead of the card's data.
/// </summary>
public sealed class DevelopmentEid(IdentityDb db, TimeProvider clock)
{
    public sealed record TestPerson(string Pseudonym, string Name, string City);

    public static readonly IReadOnlyList<TestPerson> TestPersons =
    [
        new("dev-erika-mustermann", "Erika Mustermann", "Köln"),
        new("dev-max-mustermann", "Max Mustermann", "Heidelberg"),
    ];

    public async Task<Data.Account?> SignInAsync(string pseudonym, CancellationToken cancellationToken)
    {
        var person = TestPersons.FirstOrDefault(p => p.Pseudonym == pseudonym);
        if (person is null)
        {
            return null;
        }

        var email = $"{person.Pseudonym}@eid.invalid";
        var account = await db.Accounts.SingleOrDefaultAsync(a => a.Email == email, cancellationToken);
        if (account is null)
        {
            // No password sign-in for eID accounts: a random, never disclosed password.
            account = NewAccount.Create(AccountKind.Citizen, null, email, person.Name, EfaClaims.Citizen,
                Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)), clock.GetUtcNow());
            db.Accounts.Add(account);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException e) when (e.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
            {
                // The same person's first sign-in in two browsers at once: the other one created the account.
                db.Entry(account).State = EntityState.Detached;
                account = await db.Accounts.SingleAsync(a => a.Email == email, cancellationToken);
            }
        }

        return account.Active ? account : null;
    }
}
