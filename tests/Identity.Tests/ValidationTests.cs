using EfaPlatform.Identity.Accounts;
using EfaPlatform.Identity.Validation;

namespace EfaPlatform.Identity.Tests;

public sealed class ValidationTests
{
    [Theory]
    [InlineData("082210000000")] // Heidelberg
    [InlineData("110000000000")] // Berlin
    [InlineData("010020000000")] // Kiel
    [InlineData("160510000000")] // Erfurt
    public void Real_regional_keys_are_valid(string ars) => Assert.Null(Checks.Ars(ars));

    [Theory]
    [InlineData("", "12 digits")]
    [InlineData("08221000000", "12 digits")]
    [InlineData("0822100000001", "12 digits")]
    [InlineData("08221000000a", "12 digits")]
    [InlineData("000000000000", "01 to 16")]
    [InlineData("170000000000", "01 to 16")]
    public void Malformed_regional_keys_are_refused_with_the_reason(string ars, string reason) =>
        Assert.Contains(reason, Checks.Ars(ars), StringComparison.Ordinal);

    [Theory]
    [InlineData("heidelberg", true)]
    [InlineData("rhein-neckar-kreis", true)]
    [InlineData("h", false)]
    [InlineData("Heidelberg", false)]
    [InlineData("1stadt", false)]
    [InlineData("stadt heidelberg", false)]
    public void Slugs_are_short_lower_case_names(string slug, bool valid) => Assert.Equal(valid, Checks.Slug(slug) is null);

    [Theory]
    [InlineData("kurz-1", "at least 12")]
    [InlineData("nurbuchstabenlang", "mix")]
    [InlineData("123456789012345", "mix")]
    [InlineData("erika@buerger.example", "e-mail")]
    public void Weak_passwords_are_refused_with_the_reason(string password, string reason) =>
        Assert.Contains(reason, PasswordPolicy.Check(password, "erika@buerger.example"), StringComparison.Ordinal);

    [Fact]
    public void A_long_mixed_password_is_accepted() => Assert.Null(PasswordPolicy.Check("Sommer-2026-Heidelberg", "erika@buerger.example"));

    [Fact]
    public void A_password_over_the_limit_is_refused() =>
        Assert.Contains("at most", PasswordPolicy.Check(new string('a', 120) + "123456789", "x@y.example"), StringComparison.Ordinal);
}
