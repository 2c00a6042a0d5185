namespace EfaPlatform.ServiceDefaults.Tests;

public sealed class RestProblemsTests
{
    [Theory]
    [InlineData("ars", "ars")]
    [InlineData("display_name", "displayName")]
    [InlineData("address.postal_code", "address.postalCode")]
    [InlineData("persons[2].date_of_birth", "persons[2].dateOfBirth")]
    public void Proto_field_paths_become_the_JSON_names_REST_callers_sent(string proto, string json) =>
        Assert.Equal(json, RestProblems.JsonName(proto));
}
