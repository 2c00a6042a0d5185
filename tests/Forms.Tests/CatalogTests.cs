using System.Text.Json;
using EfaPlatform.Forms.Definitions;
using EfaPlatform.Forms.Schemas;
using EfaPlatform.TestInfrastructure;
using EfaPlatform.ServiceDefaults.Auth;

namespace EfaPlatform.Forms.Tests;

/// <summary>The shipped catalog: every manifest reads, and its forms accept what a citizen really fills in.</summary>
public sealed class CatalogTests
{
    private static readonly FormValidator Validator = new(TimeProvider.System);

    private static OnlineServiceDefinition Load(string file)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Catalog", file);
        var (definition, problems) = ManifestReader.Read(file, File.ReadAllText(path));
        Assert.Empty(problems);
        return definition!;
    }

    private static IReadOnlyList<ValidationError> Validate(OnlineServiceDefinition definition, object answers, string language = "de") =>
        Validator.Validate(definition.Form, JsonSerializer.SerializeToElement(answers), ValidationMode.Submission, language);

    [Fact]
    public void The_catalog_has_three_services_that_all_read_without_problems()
    {
        var files = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Catalog"), "*.json").Select(Path.GetFileName).Order().ToList();

        Assert.Equal(["anmeldung-wohnung.v1.json", "bewohnerparkausweis.v1.json", "fuehrungszeugnis.v1.json"], files);
        Assert.All(files, file => Assert.Matches("^[0-9]{14}$", Load(file!).LeikaKey));
    }

    [Fact]
    public void A_certificate_of_good_conduct_costs_13_euros_needs_the_eID_and_asks_for_the_authority_only_when_it_is_for_one()
    {
        var certificate = Load("fuehrungszeugnis.v1.json");
        Assert.Equal((1300, TrustLevel.High), (certificate.Fee.AmountCents, certificate.MinimumTrustLevel));
        Assert.Empty(Validate(certificate, SampleAnswers.PrivateCertificate()));

        var forAuthority = new
        {
            certificateKind = "authority", extended = true, purpose = "Jugendtrainer",
            applicant = new { familyName = "Mustermann", givenNames = "Max", birthDate = "2030-01-01", birthPlace = "Heidelberg", nationality = "DEU" },
        };
        Assert.Equal(
            [("requestLetter", "required"), ("authority", "required"), ("applicant.birthDate", "dateInFuture")],
            Validate(certificate, forAuthority, "en").Select(e => (e.Path, e.Code)));
    }

    [Fact]
    public void A_registration_takes_everyone_moving_in_and_checks_each_person()
    {
        var registration = Load("anmeldung-wohnung.v1.json");
        Assert.Equal(0, registration.Fee.AmountCents);
        Assert.Empty(Validate(registration, SampleAnswers.Registration(persons: 10)));

        var answers = JsonSerializer.SerializeToNode(SampleAnswers.Registration(persons: 3))!;
        answers["persons"]![1]!["otherNationality"] = null;
        answers["persons"]![2]!["birthDate"] = "12.03.1990";
        answers["movedFromAbroad"] = true;
        Assert.Equal(
            [("previousAddress", "notApplicable"), ("previousCountry", "required"), ("persons[1].otherNationality", "required"), ("persons[2].birthDate", "date")],
            Validate(registration, answers).Select(e => (e.Path, e.Code)));
        Assert.NotEmpty(Validate(registration, SampleAnswers.Registration(persons: 21)));
    }
}
