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
    [GeneratedRegex(@"^\+?[0-9 ()/\-]{5,25}$")]
    private static partial Regex PhonePattern();

    [GeneratedRegex("^[0-9]{5}$")]
    private static partial Regex PostalCodePattern();
}
