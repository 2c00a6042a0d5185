namespace EfaPlatform.Forms.Schemas;

/// <summary>The validation engine's messages in German, English and French; {min}, {max} and {value} are filled in.</summary>
public static class StandardMessages
{
    private static readonly Dictionary<string, LocalizedText> Texts = new(StringComparer.Ordinal)
    {
        ["required"] = new("Bitte füllen Sie dieses Feld aus.", "Please fill in this field.", "Veuillez remplir ce champ."),
        ["type"] = new("Diese Angabe hat nicht die erwartete Form.", "This answer does not have the expected form.", "Cette réponse n'a pas la forme attendue."),
        ["minLength"] = new("Bitte geben Sie mindestens {min} Zeichen ein.", "Please enter at least {min} characters.", "Veuillez saisir au moins {min} caractères."),
        ["maxLength"] = new("Bitte geben Sie höchstens {max} Zeichen ein.", "Please enter at most {max} characters.", "Veuillez saisir au plus {max} caractères."),
        ["pattern"] = new("Die Angabe hat nicht das verlangte Format.", "The answer does not have the required format.", "La réponse n'a pas le format requis."),
        ["tooManyErrors"] = new("Es gibt noch {max} weitere Probleme; bitte beheben Sie zuerst die genannten.", "There are {max} more problems; please fix the ones shown first.", "Il y a encore {max} autres problèmes ; veuillez d'abord corriger ceux indiqués."),
        ["min"] = new("Der Wert muss mindestens {min} sein.", "The value must be at least {min}.", "La valeur doit être au moins {min}."),
        ["max"] = new("Der Wert darf höchstens {max} sein.", "The value must be at most {max}.", "La valeur doit être au plus {max}."),
        ["integer"] = new("Bitte geben Sie eine ganze Zahl ein.", "Please enter a whole number.", "Veuillez saisir un nombre entier."),
        ["decimal"] = new("Bitte geben Sie eine Zahl ein.", "Please enter a number.", "Veuillez saisir un nombre."),
        ["date"] = new("Bitte geben Sie ein Datum an (JJJJ-MM-TT).", "Please enter a date (YYYY-MM-DD).", "Veuillez saisir une date (AAAA-MM-JJ)."),
        ["dateInFuture"] = new("Das Datum darf nicht in der Zukunft liegen.", "The date must not be in the future.", "La date ne doit pas être dans le futur."),
        ["dateInPast"] = new("Das Datum darf nicht in der Vergangenheit liegen.", "The date must not be in the past.", "La date ne doit pas être dans le passé."),
        ["dateBefore"] = new("Das Datum darf nicht vor dem {min} liegen.", "The date must not be before {min}.", "La date ne doit pas être antérieure au {min}."),
        ["dateAfter"] = new("Das Datum darf nicht nach dem {max} liegen.", "The date must not be after {max}.", "La date ne doit pas être postérieure au {max}."),
        ["email"] = new("Bitte geben Sie eine gültige E-Mail-Adresse an.", "Please enter a valid e-mail address.", "Veuillez saisir une adresse e-mail valide."),
        ["phone"] = new("Bitte geben Sie eine gültige Telefonnummer an.", "Please enter a valid phone number.", "Veuillez saisir un numéro de téléphone valide."),
        ["iban"] = new("Diese IBAN ist nicht gültig (Prüfsumme oder Länge).", "This IBAN is not valid (checksum or length).", "Cet IBAN n'est pas valide (somme de contrôle ou longueur)."),
        ["postalCode"] = new("Bitte geben Sie eine fünfstellige Postleitzahl an.", "Please enter a five-digit German postal code.", "Veuillez saisir un code postal allemand à cinq chiffres."),
        ["option"] = new("Bitte wählen Sie einen der angebotenen Werte.", "Please choose one of the offered values.", "Veuillez choisir l'une des valeurs proposées."),
        ["yesNo"] = new("Bitte antworten Sie mit Ja oder Nein.", "Please answer yes or no.", "Veuillez répondre par oui ou non."),
        ["attachment"] = new("Bitte verweisen Sie auf ein hochgeladenes Dokument.", "Please refer to an uploaded document.", "Veuillez faire référence à un document téléversé."),
        ["minItems"] = new("Bitte machen Sie mindestens {min} Einträge.", "Please add at least {min} entries.", "Veuillez ajouter au moins {min} entrées."),
        ["maxItems"] = new("Bitte machen Sie höchstens {max} Einträge.", "Please add at most {max} entries.", "Veuillez ajouter au plus {max} entrées."),
        ["unknownField"] = new("Dieses Feld gibt es im Formular nicht.", "This field does not exist in the form.", "Ce champ n'existe pas dans le formulaire."),
        ["notApplicable"] = new("Diese Angabe ist nach Ihren anderen Antworten nicht vorgesehen.", "This answer does not apply given your other answers.", "Cette réponse ne s'applique pas compte tenu de vos autres réponses."),
    };

    public static IReadOnlyCollection<string> Codes => Texts.Keys;

    public static string For(FormElement element, string code, string language, object? min = null, object? max = null)
    {
        var text = element.Messages.TryGetValue(code, out var custom) ? custom : Texts[code];
        return text.In(language)
            .Replace("{min}", Format(min), StringComparison.Ordinal)
            .Replace("{max}", Format(max), StringComparison.Ordinal);
    }

    private static string Format(object? value) => value switch
    {
        null => "",
        DateOnly date => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
