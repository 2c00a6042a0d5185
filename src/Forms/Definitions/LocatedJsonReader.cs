using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace EfaPlatform.Forms.Definitions;

/// <summary>
/// Reads values out of a JSON document and, instead of stopping at the first problem, collects every one with its
/// location (file and JSON path): a missing or mistyped property, a value out of range, a property nobody knows.
/// Knows nothing of forms; <see cref="ManifestReader"/> builds the form rules on it.
/// </summary>
public abstract class LocatedJsonReader(string fileName)
{
    public List<ManifestProblem> Problems { get; } = [];

    protected string? Text(JsonElement parent, string path, string name, Regex pattern, string expected)
    {
        if (!Property(parent, path, name, JsonValueKind.String, out var value))
        {
            return null;
        }

        var text = value.GetString()!;
        if (!pattern.IsMatch(text))
        {
            Problem($"{path}.{name}", $"'{text}' is not {expected}");
            return null;
        }

        return text;
    }

    protected int? Integer(JsonElement parent, string path, string name, long min, long max)
    {
        if (!Property(parent, path, name, JsonValueKind.Number, out var value))
        {
            return null;
        }

        if (!value.TryGetInt64(out var number) || number < min || number > max)
        {
            Problem($"{path}.{name}", $"must be a whole number from {min} to {max}");
            return null;
        }

        return (int)Math.Min(number, int.MaxValue);
    }

    protected T? Enum<T>(JsonElement parent, string path, string name) where T : struct, System.Enum
    {
        if (!Property(parent, path, name, JsonValueKind.String, out var value))
        {
            return null;
        }

        var names = System.Enum.GetNames<T>().Select(n => char.ToLowerInvariant(n[0]) + n[1..]).ToList();
        var given = value.GetString()!;
        if (!names.Contains(given, StringComparer.Ordinal))
        {
            Problem($"{path}.{name}", $"'{given}' is not one of: {string.Join(", ", names)}");
            return null;
        }

        return System.Enum.Parse<T>(given, ignoreCase: true);
    }

    protected bool Property(JsonElement parent, string path, string name, JsonValueKind kind, out JsonElement value)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out value))
        {
            Problem($"{path}.{name}", "is missing");
            value = default;
            return false;
        }

        if (value.ValueKind != kind)
        {
            Problem($"{path}.{name}", $"must be {Describe(kind)}");
            return false;
        }

        return true;
    }

    protected string? OptionalString(JsonElement parent, string path, string name)
    {
        if (!parent.TryGetProperty(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Problem($"{path}.{name}", "must be a text");
            return null;
        }

        return value.GetString();
    }

    protected decimal? OptionalDecimal(JsonElement parent, string path, string name)
    {
        if (!parent.TryGetProperty(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out var number))
        {
            Problem($"{path}.{name}", "must be a number");
            return null;
        }

        return number;
    }

    protected DateOnly? OptionalDate(JsonElement parent, string path, string name)
    {
        var text = OptionalString(parent, path, name);
        if (text is null)
        {
            return null;
        }

        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            Problem($"{path}.{name}", "must be a date YYYY-MM-DD");
            return null;
        }

        return date;
    }

    protected bool Bool(JsonElement parent, string path, string name)
    {
        if (!parent.TryGetProperty(name, out var value))
        {
            return false;
        }

        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            Problem($"{path}.{name}", "must be true or false");
            return false;
        }

        return value.GetBoolean();
    }

    protected void UnknownProperties(JsonElement element, string path, IReadOnlyCollection<string> known)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var property in element.EnumerateObject().Where(p => !known.Contains(p.Name)))
        {
            Problem($"{path}.{property.Name}", $"is not a known property here; known: {string.Join(", ", known)}");
        }
    }

    protected static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a text",
        JsonValueKind.Number => "a number",
        _ => kind.ToString().ToLowerInvariant(),
    };

    protected void Problem(string path, string message) => Problems.Add(new ManifestProblem($"{fileName} {path}", message));
}
