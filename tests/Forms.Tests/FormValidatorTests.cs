using System.Text.Json;
using EfaPlatform.Forms.Schemas;

namespace EfaPlatform.Forms.Tests;

public sealed class FormValidatorTests
{
    private static readonly DateOnly Today = new(2026, 11, 23);
    private readonly FormValidator _validator = new(new FixedClock(Today));

    private static FormElement Field(string id, FieldType type, bool required = false) => new() { Id = id, Type = type, Label = new(id), Required = required };

    private IReadOnlyList<ValidationError> Validate(FormSchema schema, string answers, ValidationMode mode = ValidationMode.Submission, string language = "de") =>
        _validator.Validate(schema, JsonSerializer.Deserialize<JsonElement>(answers), mode, language);

    private IReadOnlyList<ValidationError> ValidateOne(FormElement field, string answerJson) =>
        Validate(new FormSchema { Elements = [field] }, $"{{\"{field.Id}\":{answerJson}}}");

    private static void AssertOnly(IReadOnlyList<ValidationError> errors, string path, string code)
    {
        var error = Assert.Single(errors);
        Assert.Equal((path, code), (error.Path, error.Code));
    }

    [Theory]
    [InlineData(FieldType.Text, "\"Heidelberg\"")]
    [InlineData(FieldType.MultilineText, "\"Zeile 1\\nZeile 2\"")]
    [InlineData(FieldType.Number, "3")]
    [InlineData(FieldType.Decimal, "2.75")]
    [InlineData(FieldType.Decimal, "\"2.75\"")]
    [InlineData(FieldType.Date, "\"2026-11-23\"")]
    [InlineData(FieldType.Email, "\"erika@buerger.example\"")]
    [InlineData(FieldType.Phone, "\"+49 6221 58-0\"")]
    [InlineData(FieldType.Iban, "\"DE89 3704 0044 0532 0130 00\"")]
    [InlineData(FieldType.PostalCode, "\"69117\"")]
    [InlineData(FieldType.YesNo, "true")]
    [InlineData(FieldType.Attachment, "\"01a20617-89fd-7fd4-97d1-f538613d32b4\"")]
    public void A_well_formed_answer_of_each_type_is_accepted(FieldType type, string answer) =>
        Assert.Empty(ValidateOne(Field("x", type), answer));

    [Theory]
    [InlineData(FieldType.Text, "42", "type")]
    [InlineData(FieldType.Number, "3.5", "integer")]
    [InlineData(FieldType.Number, "\"3\"", "integer")]
    [InlineData(FieldType.Decimal, "\"zwei\"", "decimal")]
    [InlineData(FieldType.Date, "\"23.11.2026\"", "date")]
    [InlineData(FieldType.Date, "\"2026-02-30\"", "date")]
    [InlineData(FieldType.Email, "\"erika@\"", "email")]
    [InlineData(FieldType.Phone, "\"call me\"", "phone")]
    [InlineData(FieldType.Iban, "\"DE89 3704 0044 0532 0130 01\"", "iban")]
    [InlineData(FieldType.Iban, "\"DE89 3704 0044 0532 0130\"", "iban")]
    [InlineData(FieldType.PostalCode, "\"6911\"", "postalCode")]
    [InlineData(FieldType.YesNo, "\"ja\"", "yesNo")]
    [InlineData(FieldType.Attachment, "\"passport.pdf\"", "attachment")]
    public void A_malformed_answer_of_each_type_is_refused_with_its_code(FieldType type, string answer, string code) =>
        AssertOnly(ValidateOne(Field("x", type), answer), "x", code);

    [Fact]
    public void Code_lists_accept_only_their_codes()
    {
        var options = new[] { new FieldOption("pkw", new("PKW")), new FieldOption("krad", new("Kraftrad")) };
        var select = new FormElement { Id = "vehicle", Type = FieldType.Select, Label = new("Fahrzeug"), Options = options };
        var checkbox = new FormElement { Id = "kinds", Type = FieldType.Checkbox, Label = new("Arten"), Options = options, Max = 1 };

        Assert.Empty(ValidateOne(select, "\"pkw\""));
        AssertOnly(ValidateOne(select, "\"lkw\""), "vehicle", "option");
        Assert.Empty(ValidateOne(checkbox, "[\"krad\"]"));
        AssertOnly(ValidateOne(checkbox, "[\"lkw\"]"), "kinds", "option");
        AssertOnly(ValidateOne(checkbox, "[\"krad\",\"pkw\"]"), "kinds", "maxItems");
    }

    [Fact]
    public void Lengths_ranges_and_patterns_are_checked()
    {
        var plate = new FormElement { Id = "plate", Type = FieldType.Text, Label = new("Kennzeichen"), MinLength = 4, MaxLength = 10, Pattern = "[A-ZÄÖÜ]{1,3}-[A-Z]{1,2} [0-9]{1,4}[EH]?" };
        var persons = new FormElement { Id = "count", Type = FieldType.Number, Label = new("Anzahl"), Min = 1, Max = 10 };

        Assert.Empty(ValidateOne(plate, "\"HD-AB 123\""));
        AssertOnly(ValidateOne(plate, "\"HD\""), "plate", "minLength");
        AssertOnly(ValidateOne(plate, "\"HD-AB 123456\""), "plate", "maxLength");
        AssertOnly(ValidateOne(plate, "\"hd ab 123\""), "plate", "pattern");
        AssertOnly(ValidateOne(persons, "0"), "count", "min");
        AssertOnly(ValidateOne(persons, "11"), "count", "max");
    }

    [Fact]
    public void Date_rules_are_relative_to_today_in_Germany()
    {
        var birth = new FormElement { Id = "birthDate", Type = FieldType.Date, Label = new("Geburtsdatum"), NotInFuture = true, MinDate = new DateOnly(1900, 1, 1) };
        var moveIn = new FormElement { Id = "moveIn", Type = FieldType.Date, Label = new("Einzug"), NotInPast = true };

        Assert.Empty(ValidateOne(birth, "\"2026-11-23\""));
        AssertOnly(ValidateOne(birth, "\"2026-11-24\""), "birthDate", "dateInFuture");
        AssertOnly(ValidateOne(birth, "\"1899-12-31\""), "birthDate", "dateBefore");
        Assert.Empty(ValidateOne(moveIn, "\"2026-11-23\""));
        AssertOnly(ValidateOne(moveIn, "\"2026-11-22\""), "moveIn", "dateInPast");
    }

    [Fact]
    public void Required_answers_are_asked_for_in_submissions_but_not_in_drafts()
    {
        var schema = new FormSchema { Elements = [Field("name", FieldType.Text, required: true), Field("note", FieldType.Text)] };

        AssertOnly(Validate(schema, "{}"), "name", "required");
        AssertOnly(Validate(schema, "{\"name\":\"   \"}"), "name", "required");
        Assert.Empty(Validate(schema, "{}", ValidationMode.Draft));
    }

    [Fact]
    public void Conditional_fields_are_required_or_shown_only_when_the_other_answer_says_so()
    {
        var schema = new FormSchema
        {
            Elements =
            [
                Field("hasPreviousAddress", FieldType.YesNo, required: true),
                new FormElement
                {
                    Id = "previousAddress", Type = FieldType.Text, Label = new("Bisherige Anschrift"),
                    VisibleWhen = new Condition("hasPreviousAddress", JsonSerializer.SerializeToElement(true)),
                    RequiredWhen = new Condition("hasPreviousAddress", JsonSerializer.SerializeToElement(true)),
                },
            ],
        };

        AssertOnly(Validate(schema, "{\"hasPreviousAddress\":true}"), "previousAddress", "required");
        Assert.Empty(Validate(schema, "{\"hasPreviousAddress\":true,\"previousAddress\":\"Hauptstr. 1, 69117 Heidelberg\"}"));
        Assert.Empty(Validate(schema, "{\"hasPreviousAddress\":false}"));
        AssertOnly(Validate(schema, "{\"hasPreviousAddress\":false,\"previousAddress\":\"x\"}"), "previousAddress", "notApplicable");
    }

    [Fact]
    public void Repeatable_groups_are_checked_item_by_item_with_indexed_paths_and_local_conditions()
    {
        var person = new FormElement
        {
            Id = "persons", Type = FieldType.Group, Label = new("Personen"), Repeatable = true, MinItems = 1, MaxItems = 3,
            Elements =
            [
                Field("name", FieldType.Text, required: true),
                Field("isChild", FieldType.YesNo),
                new FormElement
                {
                    Id = "guardian", Type = FieldType.Text, Label = new("Sorgeberechtigte Person"),
                    RequiredWhen = new Condition("isChild", JsonSerializer.SerializeToElement(true)),
                },
            ],
        };
        var schema = new FormSchema { Elements = [person] };

        Assert.Empty(Validate(schema, "{\"persons\":[{\"name\":\"Erika\"},{\"name\":\"Max\",\"isChild\":true,\"guardian\":\"Erika\"}]}"));
        var errors = Validate(schema, "{\"persons\":[{\"name\":\"Erika\"},{\"isChild\":true},{\"name\":\"Z\",\"shoeSize\":42}]}");
        Assert.Equal(
            [("persons[1].name", "required"), ("persons[1].guardian", "required"), ("persons[2].shoeSize", "unknownField")],
            errors.Select(e => (e.Path, e.Code)));
        AssertOnly(Validate(schema, "{\"persons\":[]}"), "persons", "minItems");
        AssertOnly(Validate(schema, "{\"persons\":[{\"name\":\"a\"},{\"name\":\"b\"},{\"name\":\"c\"},{\"name\":\"d\"}]}"), "persons", "maxItems");
    }

    [Fact]
    public void Every_error_is_reported_at_once()
    {
        var schema = new FormSchema { Elements = [Field("a", FieldType.Email, true), Field("b", FieldType.PostalCode, true), Field("c", FieldType.Iban)] };
        var errors = Validate(schema, "{\"a\":\"x\",\"c\":\"DE00\"}");
        Assert.Equal([("a", "email"), ("b", "required"), ("c", "iban")], errors.Select(e => (e.Path, e.Code)));
    }

    [Theory]
    [InlineData("de", "Bitte geben Sie mindestens 4 Zeichen ein.")]
    [InlineData("en", "Please enter at least 4 characters.")]
    [InlineData("fr", "Veuillez saisir au moins 4 caractères.")]
    [InlineData("xx", "Bitte geben Sie mindestens 4 Zeichen ein.")]
    public void Messages_come_in_German_English_and_French(string language, string message)
    {
        var field = new FormElement { Id = "plate", Type = FieldType.Text, Label = new("Kennzeichen"), MinLength = 4 };
        Assert.Equal(message, Validate(new FormSchema { Elements = [field] }, "{\"plate\":\"HD\"}", language: language).Single().Message);
    }

    [Fact]
    public void A_field_can_replace_a_standard_message_in_every_language()
    {
        var field = new FormElement
        {
            Id = "plate", Type = FieldType.Text, Label = new("Kennzeichen"), Pattern = "[A-Z]{1,3}-[A-Z]{1,2} [0-9]{1,4}",
            Messages = new Dictionary<string, LocalizedText> { ["pattern"] = new("Kennzeichen wie HD-AB 123 angeben.", "Enter a plate like HD-AB 123.", "Indiquez une plaque comme HD-AB 123.") },
        };
        var schema = new FormSchema { Elements = [field] };
        Assert.Equal("Enter a plate like HD-AB 123.", Validate(schema, "{\"plate\":\"x\"}", language: "en").Single().Message);
        Assert.Equal("Indiquez une plaque comme HD-AB 123.", Validate(schema, "{\"plate\":\"x\"}", language: "fr").Single().Message);
    }

    [Fact]
    public void Every_standard_message_exists_in_all_three_languages()
    {
        var field = Field("x", FieldType.Text);
        foreach (var code in StandardMessages.Codes)
        {
            var texts = LocalizedText.Languages.Select(language => StandardMessages.For(field, code, language, 1, 2)).ToList();
            Assert.Equal(3, texts.Distinct().Count());
        }
    }

    [Fact]
    public void A_pattern_that_backtracks_catastrophically_still_gives_its_answer()
    {
        var field = new FormElement { Id = "code", Type = FieldType.Text, Label = new("Code"), Pattern = "(a+)+b" };

        AssertOnly(ValidateOne(field, $"\"{new string('a', 60)}!\""), "code", "pattern");
        Assert.Empty(ValidateOne(field, "\"aaab\""));
    }

    [Fact]
    public void At_most_a_hundred_problems_are_listed_and_the_rest_are_counted()
    {
        var answers = "{" + string.Join(",", Enumerable.Range(0, 250).Select(i => $"\"stray{i}\":1")) + "}";

        var errors = Validate(new FormSchema { Elements = [Field("name", FieldType.Text)] }, answers, language: "en");

        Assert.Equal(FormValidator.MaxErrors + 1, errors.Count);
        Assert.Equal(("tooManyErrors", "There are 150 more problems; please fix the ones shown first."), (errors[^1].Code, errors[^1].Message));
    }
}
