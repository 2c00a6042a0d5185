using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using EfaPlatform.Forms.Schemas;

namespace EfaPlatform.Forms.Definitions;

/// <summary>One problem of a manifest and where it is: file and JSON path (plus line for syntax errors).</summary>
public sealed record ManifestProblem(string Location, string Message)
{
    public override string ToString() => $"{Location}: {Message}";
}

/// <summary>
/// Reads an online-service manifest (JSON) and reports every problem at once with its location, instead of stopping at
/// the first: unknown properties (typos), missing or malformed values, references to fields that do not exist.
/// </summary>
public static partial class ManifestReader
{
    private static readonly string[] TopLevel = ["id", "version", "leikaKey", "title", "description", "trustLevel", "fee", "attachments", "form"];
    private static readonly string[] ElementProperties =
    [
        "id", "type", "label", "help", "required", "requiredWhen", "visibleWhen", "min", "max", "minLength", "maxLength", "pattern",
        "notInFuture", "notInPast", "minDate", "maxDate", "options", "repeatable", "minItems", "maxItems", "elements", "messages",
    ];

    public static (OnlineServiceDefinition? Definition, IReadOnlyList<ManifestProblem> Problems) Read(string fileName, string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            return (null, [new ManifestProblem($"{fileName} line {e.LineNumber + 1}", $"is not valid JSON: {e.Message}")]);
        }

        using (document)
        {
            var reader = new Reader(fileName);
            var definition = reader.Definition(document.RootElement);
            return (reader.Problems.Count == 0 ? definition : null, reader.Problems);
        }
    }

    private sealed class Reader(string fileName)
    {
        private readonly HashSet<string> _fieldIds = [];
        private readonly List<(string Path, Condition Condition)> _conditions = [];

        public List<ManifestProblem> Problems { get; } = [];

        public OnlineServiceDefinition? Definition(JsonElement root)
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                Problem("$", "must be a JSON object");
                return null;
            }

            UnknownProperties(root, "$", TopLevel);
            var id = Text(root, "$", "id", IdPattern(), "a lower-case name with letters, digits and hyphens");
            var version = Integer(root, "$", "version", 1, 10_000);
            var leika = Text(root, "$", "leikaKey", LeikaPattern(), "14 digits");
            var title = Localized(root, "$", "title", required: true);
            var description = Localized(root, "$", "description", required: true);
            var trust = Enum<TrustLevelRequirement>(root, "$", "trustLevel");
            var form = Form(root);
            var fee = Fee(root);
            var attachments = Attachments(root);
            foreach (var (path, condition) in _conditions.Where(c => !_fieldIds.Contains(c.Condition.Field.Split('.')[^1])))
            {
                Problem(path, $"refers to field '{condition.Field}', which the form does not have");
            }

            if (Problems.Count > 0)
            {
                return null;
            }

            return new OnlineServiceDefinition
            {
                Id = id!, Version = version!.Value, LeikaKey = leika!, Title = title!, Description = description!, MinimumTrustLevel = trust!.Value,
                Fee = fee!, Attachments = attachments, Form = form!,
            };
        }

        private FormSchema? Form(JsonElement root)
        {
            if (!Property(root, "$", "form", JsonValueKind.Object, out var form))
            {
                return null;
            }

            UnknownProperties(form, "$.form", ["elements"]);
            return new FormSchema { Elements = Elements(form, "$.form") };
        }

        private List<FormElement> Elements(JsonElement parent, string path)
        {
            var elements = new List<FormElement>();
            if (!Property(parent, path, "elements", JsonValueKind.Array, out var array))
            {
                return elements;
            }

            if (array.GetArrayLength() == 0)
            {
                Problem($"{path}.elements", "must have at least one element");
            }

            var index = 0;
            var ids = new HashSet<string>();
            foreach (var item in array.EnumerateArray())
            {
                var itemPath = $"{path}.elements[{index++}]";
                if (item.ValueKind != JsonValueKind.Object)
                {
                    Problem(itemPath, "must be an object");
                    continue;
                }

                if (item.TryGetProperty("id", out var rawId) && rawId.ValueKind == JsonValueKind.String && !ids.Add(rawId.GetString()!))
                {
                    Problem($"{itemPath}.id", $"'{rawId.GetString()}' is used twice at this level");
                }

                if (Element(item, itemPath) is { } element)
                {
                    elements.Add(element);
                }
            }

            return elements;
        }

        private FormElement? Element(JsonElement item, string path)
        {
            UnknownProperties(item, path, ElementProperties);
            var id = Text(item, path, "id", FieldIdPattern(), "a name like 'licensePlate' (letters and digits, starting with a lower-case letter)");
            var type = Enum<FieldType>(item, path, "type");
            var label = Localized(item, path, "label", required: true);
            if (id is not null)
            {
                _fieldIds.Add(id);
            }

            var options = new List<FieldOption>();
            if (type is FieldType.Select or FieldType.Radio or FieldType.Checkbox && Property(item, path, "options", JsonValueKind.Array, out var optionArray))
            {
                var i = 0;
                foreach (var option in optionArray.EnumerateArray())
                {
                    var optionPath = $"{path}.options[{i++}]";
                    var code = Text(option, optionPath, "code", CodePattern(), "a code of letters, digits, '-', '_' or '.'");
                    var optionLabel = Localized(option, optionPath, "label", required: true);
                    if (code is not null && optionLabel is not null)
                    {
                        if (options.Any(o => o.Code == code))
                        {
                            Problem($"{optionPath}.code", $"'{code}' is used twice");
                        }

                        options.Add(new FieldOption(code, optionLabel));
                    }
                }

                if (i == 0)
                {
                    Problem($"{path}.options", "must offer at least one option");
                }
            }

            var pattern = OptionalString(item, path, "pattern");
            if (pattern is not null && !IsRegex(pattern))
            {
                Problem($"{path}.pattern", "is not a valid regular expression");
            }

            var min = OptionalDecimal(item, path, "min");
            var max = OptionalDecimal(item, path, "max");
            if (min > max)
            {
                Problem($"{path}.min", "must not be larger than max");
            }

            var messages = new Dictionary<string, LocalizedText>();
            if (item.TryGetProperty("messages", out var messageObject) && messageObject.ValueKind == JsonValueKind.Object)
            {
                foreach (var message in messageObject.EnumerateObject())
                {
                    if (!StandardMessages.Codes.Contains(message.Name))
                    {
                        Problem($"{path}.messages.{message.Name}", $"is not an error code; known: {string.Join(", ", StandardMessages.Codes)}");
                    }
                    else if (Localized(messageObject, $"{path}.messages", message.Name, required: true) is { } text)
                    {
                        messages[message.Name] = text;
                    }
                }
            }

            var elements = type == FieldType.Group ? Elements(item, path) : [];
            if (id is null || type is null || label is null)
            {
                return null;
            }

            var maxItems = OptionalDecimal(item, path, "maxItems") ?? 50;
            if (maxItems > FormElement.MaxRepetitions)
            {
                Problem($"{path}.maxItems", $"must be at most {FormElement.MaxRepetitions}");
            }

            return new FormElement
            {
                Id = id, Type = type.Value, Label = label, Help = Localized(item, path, "help", required: false),
                Required = Bool(item, path, "required"), RequiredWhen = ConditionAt(item, path, "requiredWhen"), VisibleWhen = ConditionAt(item, path, "visibleWhen"),
                Min = min, Max = max, MinLength = (int?)OptionalDecimal(item, path, "minLength"), MaxLength = (int?)OptionalDecimal(item, path, "maxLength"),
                Pattern = pattern, NotInFuture = Bool(item, path, "notInFuture"), NotInPast = Bool(item, path, "notInPast"),
                MinDate = OptionalDate(item, path, "minDate"), MaxDate = OptionalDate(item, path, "maxDate"), Options = options,
                Repeatable = Bool(item, path, "repeatable"), MinItems = (int)(OptionalDecimal(item, path, "minItems") ?? 0),
                MaxItems = (int)Math.Min(maxItems, FormElement.MaxRepetitions), Elements = elements, Messages = messages,
            };
        }

        private Condition? ConditionAt(JsonElement item, string path, string name)
        {
            if (!item.TryGetProperty(name, out var condition))
            {
                return null;
            }

            var conditionPath = $"{path}.{name}";
            if (condition.ValueKind != JsonValueKind.Object || !condition.TryGetProperty("field", out var field) || field.ValueKind != JsonValueKind.String)
            {
                Problem(conditionPath, "must be an object with 'field' and 'equalTo' or 'oneOf'");
                return null;
            }

            UnknownProperties(condition, conditionPath, ["field", "equalTo", "oneOf"]);
            var result = new Condition(
                field.GetString()!,
                condition.TryGetProperty("equalTo", out var equalTo) ? equalTo.Clone() : null,
                condition.TryGetProperty("oneOf", out var oneOf) && oneOf.ValueKind == JsonValueKind.Array
                    ? oneOf.EnumerateArray().Select(v => v.GetString() ?? "").ToList() : null);
            _conditions.Add(($"{conditionPath}.field", result));
            return result;
        }

        private FeeRule? Fee(JsonElement root)
        {
            if (!Property(root, "$", "fee", JsonValueKind.Object, out var fee))
            {
                return null;
            }

            UnknownProperties(fee, "$.fee", ["kind", "amountCents", "currency", "quantityField"]);
            var kind = Enum<FeeKind>(fee, "$.fee", "kind");
            var amount = Integer(fee, "$.fee", "amountCents", 0, 100_000_000);
            var currency = OptionalString(fee, "$.fee", "currency") ?? "EUR";
            if (currency != "EUR")
            {
                Problem("$.fee.currency", "must be EUR");
            }

            var quantityField = OptionalString(fee, "$.fee", "quantityField");
            if (kind == FeeKind.PerQuantity && (quantityField is null || !_fieldIds.Contains(quantityField)))
            {
                Problem("$.fee.quantityField", "must name a number field of the form for a perQuantity fee");
            }

            return kind is null || amount is null ? null : new FeeRule(kind.Value, amount.Value, currency, quantityField);
        }

        private List<AttachmentRequirement> Attachments(JsonElement root)
        {
            var attachments = new List<AttachmentRequirement>();
            if (!root.TryGetProperty("attachments", out var array))
            {
                return attachments;
            }

            if (array.ValueKind != JsonValueKind.Array)
            {
                Problem("$.attachments", "must be an array");
                return attachments;
            }

            var index = 0;
            foreach (var item in array.EnumerateArray())
            {
                var path = $"$.attachments[{index++}]";
                UnknownProperties(item, path, ["kind", "label", "mediaTypes", "maxBytes", "required"]);
                var kind = Text(item, path, "kind", IdPattern(), "a lower-case name with letters, digits and hyphens");
                var label = Localized(item, path, "label", required: true);
                var maxBytes = Integer(item, path, "maxBytes", 1, 100 * 1024 * 1024);
                var mediaTypes = new List<string>();
                if (Property(item, path, "mediaTypes", JsonValueKind.Array, out var types))
                {
                    mediaTypes.AddRange(types.EnumerateArray().Select(t => t.GetString() ?? ""));
                    if (mediaTypes.Count == 0 || mediaTypes.Any(t => !MediaTypePattern().IsMatch(t)))
                    {
                        Problem($"{path}.mediaTypes", "must list media types such as application/pdf or image/jpeg");
                    }
                }

                if (kind is not null && label is not null && maxBytes is not null)
                {
                    attachments.Add(new AttachmentRequirement(kind, label, mediaTypes, maxBytes.Value, Bool(item, path, "required")));
                }
            }

            return attachments;
        }

        private LocalizedText? Localized(JsonElement parent, string path, string name, bool required)
        {
            if (!parent.TryGetProperty(name, out var value))
            {
                if (required)
                {
                    Problem($"{path}.{name}", "is missing");
                }

                return null;
            }

            var textPath = $"{path}.{name}";
            if (value.ValueKind == JsonValueKind.String)
            {
                return new LocalizedText(value.GetString()!);
            }

            if (value.ValueKind != JsonValueKind.Object)
            {
                Problem(textPath, "must be a text or an object with de, en and fr");
                return null;
            }

            UnknownProperties(value, textPath, LocalizedText.Languages);
            var de = value.TryGetProperty("de", out var deText) && deText.ValueKind == JsonValueKind.String && deText.GetString()!.Trim().Length > 0 ? deText.GetString() : null;
            if (de is null)
            {
                Problem($"{textPath}.de", "is missing: German is always needed");
                return null;
            }

            return new LocalizedText(de, OptionalString(value, textPath, "en"), OptionalString(value, textPath, "fr"));
        }

        private string? Text(JsonElement parent, string path, string name, Regex pattern, string expected)
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

        private int? Integer(JsonElement parent, string path, string name, long min, long max)
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

        private T? Enum<T>(JsonElement parent, string path, string name) where T : struct, System.Enum
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

        private bool Property(JsonElement parent, string path, string name, JsonValueKind kind, out JsonElement value)
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

        private string? OptionalString(JsonElement parent, string path, string name)
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

        private decimal? OptionalDecimal(JsonElement parent, string path, string name)
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

        private DateOnly? OptionalDate(JsonElement parent, string path, string name)
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

        private bool Bool(JsonElement parent, string path, string name)
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

        private void UnknownProperties(JsonElement element, string path, IReadOnlyCollection<string> known)
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

        private static bool IsRegex(string pattern)
        {
            try
            {
                _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromMilliseconds(100));
                return true;
            }
            catch (ArgumentException)
            {
                return false;
            }
        }

        private static string Describe(JsonValueKind kind) => kind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            JsonValueKind.String => "a text",
            JsonValueKind.Number => "a number",
            _ => kind.ToString().ToLowerInvariant(),
        };

        private void Problem(string path, string message) => Problems.Add(new ManifestProblem($"{fileName} {path}", message));
    }

    [GeneratedRegex("^[a-z][a-z0-9-]{1,62}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[a-z][A-Za-z0-9]{0,62}$")]
    private static partial Regex FieldIdPattern();

    [GeneratedRegex("^[0-9]{14}$")]
    private static partial Regex LeikaPattern();

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}$")]
    private static partial Regex CodePattern();

    [GeneratedRegex("^[a-z]+/[a-z0-9.+-]+$")]
    private static partial Regex MediaTypePattern();
}
