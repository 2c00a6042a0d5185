using System.Globalization;
using System.Net.Mail;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace EfaPlatform.Forms.Schemas;

/// <summary>
/// The one validation engine for drafts, submissions and the field-by-field checks of a front end: it walks the form,
/// checks every answer against its field and reports every problem at once, with its path, code and message.
/// </summary>
public sealed partial class FormValidator(TimeProvider clock)
{
    /// <summary>Problems reported at most; the rest are counted in one last error, so an answer cannot make the reply huge.</summary>
    public const int MaxErrors = 100;

    private static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(100);
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Regex> Patterns = new(StringComparer.Ordinal);
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    public IReadOnlyList<ValidationError> Validate(FormSchema schema, JsonElement answers, ValidationMode mode, string language)
    {
        var run = new Run(this, mode, LocalizedText.Languages.Contains(language) ? language : "de", answers);
        if (answers.ValueKind != JsonValueKind.Object)
        {
            run.Errors.Add(new ValidationError("", "type", StandardMessages.For(new FormElement { Id = "", Type = FieldType.Group, Label = new("") }, "type", run.Language)));
            return run.Errors;
        }

        run.Elements(schema.Elements, answers, "");
        if (run.Omitted > 0)
        {
            run.Errors.Add(new ValidationError("", "tooManyErrors",
                StandardMessages.For(new FormElement { Id = "", Type = FieldType.Group, Label = new("") }, "tooManyErrors", run.Language, max: run.Omitted)));
        }

        return run.Errors;
    }

    /// <summary>
    /// A manifest's pattern, compiled once: linear-time matching (NonBacktracking) where the pattern allows it, otherwise
    /// backtracking with a time limit, after which the answer counts as not matching.
    /// </summary>
    private static Regex PatternFor(string pattern) => Patterns.GetOrAdd(pattern, static source =>
    {
        try
        {
            return new Regex($"^(?:{source})$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
        }
        catch (NotSupportedException)
        {
            return new Regex($"^(?:{source})$", RegexOptions.CultureInvariant, PatternTimeout);
        }
    });

    private DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), Berlin).DateTime);

    private sealed class Run(FormValidator validator, ValidationMode mode, string language, JsonElement root)
    {
        public List<ValidationError> Errors { get; } = [];

        public int Omitted { get; private set; }

        public string Language => language;

        public void Elements(IReadOnlyList<FormElement> elements, JsonElement scope, string prefix)
        {
            foreach (var property in scope.EnumerateObject().Where(p => elements.All(e => e.Id != p.Name)))
            {
                Add(prefix + property.Name, new FormElement { Id = property.Name, Type = FieldType.Text, Label = new(property.Name) }, "unknownField");
            }

            foreach (var element in elements)
            {
                var path = prefix + element.Id;
                var present = scope.TryGetProperty(element.Id, out var answer) && !IsEmpty(answer);
                if (element.VisibleWhen is { } visibleWhen && !Holds(visibleWhen, scope))
                {
                    if (present)
                    {
                        Add(path, element, "notApplicable");
                    }

                    continue;
                }

                var required = element.Required || (element.Repeatable && element.MinItems > 0)
                               || (element.RequiredWhen is { } requiredWhen && Holds(requiredWhen, scope));
                if (!present)
                {
                    if (required && mode == ValidationMode.Submission)
                    {
                        Add(path, element, element.Repeatable ? "minItems" : "required", min: Math.Max(1, element.MinItems));
                    }

                    continue;
                }

                Answer(element, answer, path);
            }
        }

        private void Answer(FormElement element, JsonElement answer, string path)
        {
            switch (element.Type)
            {
                case FieldType.Group when element.Repeatable:
                    Repeated(element, answer, path);
                    break;
                case FieldType.Group:
                    if (Expect(answer, JsonValueKind.Object, element, path))
                    {
                        Elements(element.Elements, answer, path + ".");
                    }

                    break;
                case FieldType.Text or FieldType.MultilineText:
                    Text(element, answer, path);
                    break;
                case FieldType.Number or FieldType.Decimal:
                    Number(element, answer, path);
                    break;
                case FieldType.Date:
                    Date(element, answer, path);
                    break;
                case FieldType.Email:
                    Check(element, answer, path, "email", value => value.Length <= 254 && MailAddress.TryCreate(value, out var mail) && mail.Address == value);
                    break;
                case FieldType.Phone:
                    Check(element, answer, path, "phone", value => PhonePattern().IsMatch(value) && value.Count(char.IsAsciiDigit) is >= 5 and <= 15);
                    break;
                case FieldType.Iban:
                    Check(element, answer, path, "iban", Ibans.IsValid);
                    break;
                case FieldType.PostalCode:
                    Check(element, answer, path, "postalCode", value => PostalCodePattern().IsMatch(value));
                    break;
                case FieldType.Select or FieldType.Radio:
                    Check(element, answer, path, "option", value => element.Options.Any(o => o.Code == value));
                    break;
                case FieldType.Checkbox:
                    Choices(element, answer, path);
                    break;
                case FieldType.YesNo:
                    if (answer.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                    {
                        Add(path, element, "yesNo");
                    }

                    break;
                case FieldType.Attachment:
                    Check(element, answer, path, "attachment", value => Guid.TryParse(value, out _));
                    break;
            }
        }

        private void Repeated(FormElement element, JsonElement answer, string path)
        {
            if (!Expect(answer, JsonValueKind.Array, element, path))
            {
                return;
            }

            var count = answer.GetArrayLength();
            if (count < element.MinItems && mode == ValidationMode.Submission)
            {
                Add(path, element, "minItems", min: element.MinItems);
            }

            if (count > element.MaxItems)
            {
                Add(path, element, "maxItems", max: element.MaxItems);
                return;
            }

            var index = 0;
            foreach (var item in answer.EnumerateArray())
            {
                var itemPath = $"{path}[{index++}]";
                if (Expect(item, JsonValueKind.Object, element, itemPath))
                {
                    Elements(element.Elements, item, itemPath + ".");
                }
            }
        }

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
        private bool Holds(Condition condition, JsonElement scope)
        {
            if (!TryFind(scope, condition.Field, out var value) && !TryFind(root, condition.Field, out value))
            {
                return false;
            }

            if (condition.EqualTo is { } expected)
            {
                return JsonElement.DeepEquals(value, expected);
            }

            return condition.OneOf is { } oneOf ? value.ValueKind == JsonValueKind.String && oneOf.Contains(value.GetString()!) : !IsEmpty(value);
        }

        private static bool TryFind(JsonElement scope, string path, out JsonElement value)
        {
            value = scope;
            foreach (var segment in path.Split('.'))
            {
                if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(segment, out value))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsEmpty(JsonElement answer) => answer.ValueKind switch
        {
            JsonValueKind.Null or JsonValueKind.Undefined => true,
            JsonValueKind.String => string.IsNullOrWhiteSpace(answer.GetString()),
            JsonValueKind.Array => answer.GetArrayLength() == 0,
            _ => false,
        };

        private static bool Matches(string pattern, string value)
        {
            try
            {
                return PatternFor(pattern).IsMatch(value);
            }
            catch (RegexMatchTimeoutException)
            {
                return false;
            }
        }

        private void Add(string path, FormElement element, string code, object? min = null, object? max = null)
        {
            if (Errors.Count >= MaxErrors)
            {
                Omitted++;
                return;
            }

            Errors.Add(new ValidationError(path, code, StandardMessages.For(element, code, language, min, max)));
        }
    }

    [GeneratedRegex(@"^\+?[0-9 ()/\-]{5,25}$")]
    private static partial Regex PhonePattern();

    [GeneratedRegex("^[0-9]{5}$")]
    private static partial Regex PostalCodePattern();
}
