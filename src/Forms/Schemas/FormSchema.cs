using System.Text.Json;

namespace EfaPlatform.Forms.Schemas;

/// <summary>Field types of the schema language, in the spirit of FIM data fields.</summary>
public enum FieldType
{
    Text,
    MultilineText,
    Number,
    Decimal,
    Date,
    Email,
    Phone,
    Iban,
    PostalCode,
    Select,
    Radio,
    Checkbox,
    YesNo,
    Attachment,
    Group,
}

/// <summary>One entry of a code list (select, radio, checkbox).</summary>
public sealed record FieldOption(string Code, LocalizedText Label);

/// <summary>
/// Makes a field visible or required only when another answer has a value: the field named by <see cref="Field"/>
/// (in the same group instance first, then from the form's root) equals <see cref="EqualTo"/> or is one of <see cref="OneOf"/>.
/// </summary>
public sealed record Condition(string Field, JsonElement? EqualTo = null, IReadOnlyList<string>? OneOf = null);

/// <summary>A field or a group of fields (possibly repeatable) of a form.</summary>
public sealed class FormElement
{
    public required string Id { get; init; }

    public required FieldType Type { get; init; }

    public required LocalizedText Label { get; init; }

    public LocalizedText? Help { get; init; }

    public bool Required { get; init; }

    public Condition? RequiredWhen { get; init; }

    public Condition? VisibleWhen { get; init; }

    /// <summary>Number, decimal: smallest and largest value.</summary>
    public decimal? Min { get; init; }

    public decimal? Max { get; init; }

    /// <summary>Text: shortest and longest length.</summary>
    public int? MinLength { get; init; }

    public int? MaxLength { get; init; }

    /// <summary>Text: a regular expression the whole answer must match, with the message shown when it does not.</summary>
    public string? Pattern { get; init; }

    /// <summary>Date: "not in the future" (a birth date) and "not in the past" (a moving-in date may be today).</summary>
    public bool NotInFuture { get; init; }

    public bool NotInPast { get; init; }

    public DateOnly? MinDate { get; init; }

    public DateOnly? MaxDate { get; init; }

    public IReadOnlyList<FieldOption> Options { get; init; } = [];

    /// <summary>Group: whether it repeats, and how often.</summary>
    public bool Repeatable { get; init; }

    public int MinItems { get; init; }

    public int MaxItems { get; init; } = 50;

    /// <summary>The most entries a repeatable group may allow: each one is checked in full on every validation.</summary>
    public const int MaxRepetitions = 200;

    public IReadOnlyList<FormElement> Elements { get; init; } = [];

    /// <summary>Messages that replace the standard ones for this field, by error code.</summary>
    public IReadOnlyDictionary<string, LocalizedText> Messages { get; init; } = new Dictionary<string, LocalizedText>();
}

/// <summary>A form: its elements in order.</summary>
public sealed class FormSchema
{
    public required IReadOnlyList<FormElement> Elements { get; init; }
}
