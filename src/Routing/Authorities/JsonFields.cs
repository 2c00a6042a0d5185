using System.Text.Json;

namespace EfaPlatform.Routing.Authorities;

/// <summary>The fields of one unit of a JSON directory file, each wrong type reported with the unit's line.</summary>
internal sealed class JsonFields(JsonElement unit, int line, List<DirectoryImport.Problem> problems)
{
    public string Text(string name) => TextOf(unit, name, name);

    public string[] Texts(string name) => TextsOf(unit, name, name);

    public UnitContact Contact()
    {
        if (!unit.TryGetProperty("contact", out var contact) || contact.ValueKind == JsonValueKind.Null)
        {
            return new UnitContact("", "", "");
        }

        if (contact.ValueKind != JsonValueKind.Object)
        {
            Report("contact", "must be an object with email, phone and address");
            return new UnitContact("", "", "");
        }

        return new UnitContact(TextOf(contact, "email", "contact.email"), TextOf(contact, "phone", "contact.phone"), TextOf(contact, "address", "contact.address"));
    }

    public List<DirectoryDestination> Destinations()
    {
        if (!unit.TryGetProperty("destinations", out var destinations) || destinations.ValueKind != JsonValueKind.Array)
        {
            Report("destinations", "must be an array of destinations");
            return [];
        }

        var result = new List<DirectoryDestination>();
        var index = 0;
        foreach (var destination in destinations.EnumerateArray())
        {
            var field = $"destinations[{index++}]";
            if (destination.ValueKind != JsonValueKind.Object)
            {
                Report(field, "must be an object");
                continue;
            }

            var key = destination.TryGetProperty("encryptionKey", out var jwk) ? jwk : default;
            var encryptionKey = key.ValueKind switch
            {
                JsonValueKind.Object => key.GetRawText(),
                JsonValueKind.String => key.GetString(),
                JsonValueKind.Undefined or JsonValueKind.Null => null,
                _ => Reported<string>($"{field}.encryptionKey", "must be a JWK (object or its JSON text)"),
            };
            var secret = TextOf(destination, "callbackSecret", $"{field}.callbackSecret");
            var url = TextOf(destination, "pushUrl", $"{field}.pushUrl");
            result.Add(new DirectoryDestination(
                Guid.Empty, TextOf(destination, "channel", $"{field}.channel"), url.Length == 0 ? null : url, secret.Length == 0 ? null : secret, false,
                encryptionKey, TextsOf(destination, "leikaKeys", $"{field}.leikaKeys")));
        }

        return result;
    }

    private string TextOf(JsonElement element, string name, string field)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return "";
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            return Reported<string>(field, "must be a string") ?? "";
        }

        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // An escaped lone surrogate ("\ud800") is JSON but no text.
            return Reported<string>(field, "must be valid text") ?? "";
        }
    }

    private string[] TextsOf(JsonElement element, string name, string field)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(item => item.ValueKind != JsonValueKind.String))
        {
            Report(field, "must be an array of strings");
            return [];
        }

        try
        {
            return value.EnumerateArray().Select(item => item.GetString()!).ToArray();
        }
        catch (InvalidOperationException)
        {
            Report(field, "must be valid text");
            return [];
        }
    }

    private void Report(string field, string description) => problems.Add(new DirectoryImport.Problem(line, field, description));

    private T? Reported<T>(string field, string description)
    {
        Report(field, description);
        return default;
    }
}
