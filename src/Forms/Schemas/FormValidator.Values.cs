using System.Globalization;
using System.Net.Mail;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace EfaPlatform.Forms.Schemas;

public sealed partial class FormValidator
{
    /// <summary>The checks of single answers by their field type: texts, numbers, dates, choices.</summary>
    private sealed partial class Run
    {
        private void Text(FormElement element, JsonElement answer, string path)
        {
            if (!Expect(answer, JsonValueKind.String, element, path))
            {
                return;
            }

            // One message per answer: a length problem hides the pattern problem it usually causes.
            var value = answer.GetString()!;
            var maxLength = element.MaxLength ?? (element.Type == FieldType.MultilineText ? 10_000 : 500);
            if (element.MinLength is { } min && value.Length < min)
            {
                Add(path, element, "minLength", min: min);
            }
            else if (value.Length > maxLength)
            {
                Add(path, element, "maxLength", max: maxLength);
            }
            else if (element.Pattern is { } pattern && !Matches(pattern, value))
            {
                Add(path, element, "pattern");
            }
        }

        private void Number(FormElement element, JsonElement answer, string path)
        {
            var integer = element.Type == FieldType.Number;
            decimal value;
            if (answer.ValueKind == JsonValueKind.Number && answer.TryGetDecimal(out var number))
            {
                value = number;
            }
            else if (!integer && answer.ValueKind == JsonValueKind.String
                     && decimal.TryParse(answer.GetString(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var parsed))
            {
                value = parsed;
            }
            else
            {
                Add(path, element, integer ? "integer" : "decimal");
                return;
            }

            if (integer && value != decimal.Truncate(value))
            {
                Add(path, element, "integer");
                return;
            }

            if (element.Min is { } min && value < min)
            {
                Add(path, element, "min", min: min);
            }

            if (element.Max is { } max && value > max)
            {
                Add(path, element, "max", max: max);
            }
        }

        private void Date(FormElement element, JsonElement answer, string path)
        {
            if (answer.ValueKind != JsonValueKind.String
                || !DateOnly.TryParseExact(answer.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                Add(path, element, "date");
                return;
            }

            var today = validator.Today;
            if (element.NotInFuture && date > today)
            {
                Add(path, element, "dateInFuture");
            }

            if (element.NotInPast && date < today)
            {
                Add(path, element, "dateInPast");
            }

            if (element.MinDate is { } minDate && date < minDate)
            {
                Add(path, element, "dateBefore", min: minDate);
            }

            if (element.MaxDate is { } maxDate && date > maxDate)
            {
                Add(path, element, "dateAfter", max: maxDate);
            }
        }

        private void Choices(FormElement element, JsonElement answer, string path)
        {
            if (!Expect(answer, JsonValueKind.Array, element, path))
            {
                return;
            }

            var chosen = answer.EnumerateArray().ToList();
            if (chosen.Any(c => c.ValueKind != JsonValueKind.String || element.Options.All(o => o.Code != c.GetString())))
            {
                Add(path, element, "option");
            }

            if (element.Min is { } min && chosen.Count < min)
            {
                Add(path, element, "minItems", min: (int)min);
            }

            if (element.Max is { } max && chosen.Count > max)
            {
                Add(path, element, "maxItems", max: (int)max);
            }
        }

        private void Check(FormElement element, JsonElement answer, string path, string code, Func<string, bool> isValid)
        {
            if (answer.ValueKind != JsonValueKind.String || !isValid(answer.GetString()!.Trim()))
            {
                Add(path, element, code);
            }
        }

        private bool Expect(JsonElement answer, JsonValueKind kind, FormElement element, string path)
        {
            if (answer.ValueKind == kind)
            {
                return true;
            }

            Add(path, element, "type");
            return false;
        }

        /// <summary>A condition's field is looked up in the same group instance first, then from the form's root (dotted path).</summary>
    }
}
