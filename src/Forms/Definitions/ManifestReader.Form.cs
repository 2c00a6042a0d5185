using System.Text.Json;
using System.Text.RegularExpressions;
using EfaPlatform.Forms.Schemas;

namespace EfaPlatform.Forms.Definitions;

public static partial class ManifestReader
{
    /// <summary>The form of a manifest: its elements, their constraints, and conditions that must name existing fields.</summary>
    private sealed partial class Reader
    {
        private readonly HashSet<string> _fieldIds = [];
        private readonly List<(string Path, Condition Condition)> _conditions = [];

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
    }
}
