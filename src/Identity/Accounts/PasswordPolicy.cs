namespace EfaPlatform.Identity.Accounts;

/// <summary>At least 12 characters, at most 128, not only letters or only digits, not the e-mail address.</summary>
public static class PasswordPolicy
{
    public const int MinLength = 12;
    public const int MaxLength = 128;

    /// <returns>Why the password is refused, or null when it is acceptable.</returns>
    public static string? Check(string password, string email)
    {
        if (password.Length < MinLength)
        {
            return $"must have at least {MinLength} characters";
        }

        if (password.Length > MaxLength)
        {
            return $"must have at most {MaxLength} characters";
        }

        if (password.All(char.IsLetter) || password.All(char.IsDigit))
        {
            return "must mix letters with digits or other characters";
        }

        return string.Equals(password, email, StringComparison.OrdinalIgnoreCase) ? "must not be the e-mail address" : null;
    }
}
