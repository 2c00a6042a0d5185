using EfaPlatform.Identity.Data;

namespace EfaPlatform.Identity.Accounts;

/// <summary>The one way an account is made: lower-cased e-mail, one role, the password hashed.</summary>
public static class NewAccount
{
    public static Account Create(AccountKind kind, Guid? tenantId, string email, string displayName, string role, string password, DateTimeOffset createdAt)
    {
        var account = new Account
        {
            Id = Guid.CreateVersion7(),
            Kind = kind,
            TenantId = tenantId,
            Email = email.Trim().ToLowerInvariant(),
            DisplayName = displayName.Trim(),
            PasswordHash = "",
            Roles = [role],
            CreatedAt = createdAt,
        };
        account.PasswordHash = PasswordSignIn.Hash(account, password);
        return account;
    }
}
