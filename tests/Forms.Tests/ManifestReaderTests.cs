using EfaPlatform.Forms.Definitions;
using EfaPlatform.Forms.Schemas;
using EfaPlatform.ServiceDefaults.Auth;

namespace EfaPlatform.Forms.Tests;

public sealed class ManifestReaderTests
{
    private const string Valid = """
        {
          // Comments are allowed, so manifests can explain themselves.
          "id": "bewohnerparkausweis",
          "version": 1,
          "leikaKey": "99000000000000",
          "title": { "de": "Bewohnerparkausweis beantragen", "en": "Apply for a residential parking permit", "fr": "Demander une carte de stationnement résident" },
          "description": "Parkausweis für Bewohnerinnen und Bewohner eines Parkgebiets.",
          "trustLevel": "substantial",
          "fee": { "kind": "perQuantity", "amountCents": 3060, "quantityField": "years" },
          "attachments": [ { "kind": "registration-certificate", "label": "Zulassungsbescheinigung Teil I", "mediaTypes": ["application/pdf", "image/jpeg"], "maxBytes": 5242880, "required": true } ],
          "form": {
            "elements": [
              { "id": "licensePlate", "type": "text", "label": { "de": "Kennzeichen", "en": "Licence plate" }, "required": true, "pattern": "[A-ZÄÖÜ]{1,3}-[A-Z]{1,2} [0-9]{1,4}[EH]?" },
              { "id": "years", "type": "number", "label": "Gültigkeit in Jahren", "required": true, "min": 1, "max": 2 },
              { "id": "isCompanyCar", "type": "yesNo", "label": "Firmenwagen?" },
              { "id": "employerConfirmation", "type": "attachment", "label": "Bestätigung des Arbeitgebers",
                "visibleWhen": { "field": "isCompanyCar", "equalTo": true }, "requiredWhen": { "field": "isCompanyCar", "equalTo": true } }
            ]
          }
        }
        """;

    [Fact]
    public void A_valid_manifest_becomes_a_definition_whose_form_validates_answers()
    {
        var (definition, problems) = ManifestReader.Read("bewohnerparkausweis.v1.json", Valid);

        Assert.Empty(problems);
        Assert.NotNull(definition);
        Assert.Equal(("bewohnerparkausweis", 1, TrustLevel.Substantial), (definition.Id, definition.Version, definition.MinimumTrustLevel));
        Assert.Equal(new FeeRule(FeeKind.PerQuantity, 3060, "EUR", "years"), definition.Fee);
        Assert.Equal(20, Assert.Single(definition.Attachments).MaxFiles); // the default README promises
        Assert.Equal("Licence plate", definition.Form.Elements[0].Label.In("en"));
        Assert.Equal("Kennzeichen", definition.Form.Elements[0].Label.In("fr"));

        var answers = System.Text.Json.JsonSerializer.Deserialize<System.Text.Json.JsonElement>("""{"licensePlate":"HD-AB 123","years":3,"isCompanyCar":true}""");
        var errors = new FormValidator(TimeProvider.System).Validate(definition.Form, answers, ValidationMode.Submission, "de");
        Assert.Equal([("years", "max"), ("employerConfirmation", "required")], errors.Select(e => (e.Path, e.Code)));
    }

    [Fact]
    public void A_broken_manifest_lists_every_problem_with_its_location()
    {
        const string broken = """
            {
              "id": "Bewohner Parken",
              "version": 0,
              "leikaKey": "123",
              "title": { "en": "Parking" },
              "trustLevel": "medium",
              "fee": { "kind": "perQuantity", "amountCents": -5, "currency": "USD" },
              "attachments": [ { "kind": "proof", "label": "Nachweis", "mediaTypes": ["pdf"], "maxBytes": 0, "maxFiles": 101 } ],
              "form": { "elements": [
                { "id": "plate", "type": "txt", "label": "Kennzeichen", "requird": true },
                { "id": "plate", "type": "select", "label": "Art", "options": [] },
                { "id": "note", "type": "text", "label": "Notiz", "pattern": "([", "visibleWhen": { "field": "missingField", "equalTo": true },
                  "min": 5, "max": 1, "messages": { "tooShort": "zu kurz" } }
              ] }
            }
            """;

        var (definition, problems) = ManifestReader.Read("parken.json", broken);

        Assert.Null(definition);
        var locations = problems.Select(p => p.Location).ToList();
        string[] expected =
        [
            "parken.json $.id", "parken.json $.version", "parken.json $.leikaKey", "parken.json $.title.de", "parken.json $.description",
            "parken.json $.trustLevel", "parken.json $.fee.amountCents", "parken.json $.fee.currency", "parken.json $.fee.quantityField",
            "parken.json $.attachments[0].mediaTypes", "parken.json $.attachments[0].maxBytes", "parken.json $.attachments[0].maxFiles",
            "parken.json $.form.elements[0].type", "parken.json $.form.elements[0].requird", "parken.json $.form.elements[1].options",
            "parken.json $.form.elements[1].id", "parken.json $.form.elements[2].pattern", "parken.json $.form.elements[2].min",
            "parken.json $.form.elements[2].messages.tooShort", "parken.json $.form.elements[2].visibleWhen.field",
        ];
        Assert.Equal(expected.Order(), locations.Order());
        Assert.Contains(problems, p => p.Location.EndsWith(".type", StringComparison.Ordinal) && p.Message.Contains("'txt' is not one of", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Location.EndsWith("requird", StringComparison.Ordinal) && p.Message.Contains("required", StringComparison.Ordinal));
    }

    [Fact]
    public void An_attachments_maxFiles_is_read_from_the_manifest()
    {
        var (definition, problems) = ManifestReader.Read("parken.json", Valid.Replace("\"maxBytes\": 5242880,", "\"maxBytes\": 5242880, \"maxFiles\": 3,", StringComparison.Ordinal));

        Assert.Empty(problems);
        Assert.Equal(3, Assert.Single(definition!.Attachments).MaxFiles);
    }

    [Fact]
    public void A_syntax_error_is_reported_with_its_line()
    {
        var (definition, problems) = ManifestReader.Read("kaputt.json", "{\n  \"id\": \"x\",\n  \"version\": 1,,\n}");

        Assert.Null(definition);
        var problem = Assert.Single(problems);
        Assert.Equal("kaputt.json line 3", problem.Location);
    }
}
