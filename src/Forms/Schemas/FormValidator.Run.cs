using System.Globalization;
using System.Net.Mail;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace EfaPlatform.Forms.Schemas;

public sealed partial class FormValidator
{
    /// <summary>One check of one answers document: walks the form's elements and collects every problem.</summary>
    private sealed partial class Run(FormValidator validator, ValidationMode mode, string language, JsonElement root)
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
}
