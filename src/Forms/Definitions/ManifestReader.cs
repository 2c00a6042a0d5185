using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using EfaPlatform.Forms.Schemas;
using EfaPlatform.ServiceDefaults.Auth;

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

    /// <summary>The form rules of a manifest; reading JSON with locations is <see cref="LocatedJsonReader"/>'s job.</summary>
    private sealed partial class Reader(string fileName) : LocatedJsonReader(fileName)
    {
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
            var trust = Enum<TrustLevel>(root, "$", "trustLevel");
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
                UnknownProperties(item, path, ["kind", "label", "mediaTypes", "maxBytes", "maxFiles", "required"]);
                var kind = Text(item, path, "kind", IdPattern(), "a lower-case name with letters, digits and hyphens");
                var label = Localized(item, path, "label", required: true);
                var maxBytes = Integer(item, path, "maxBytes", 1, 100 * 1024 * 1024);
                var maxFiles = item.TryGetProperty("maxFiles", out _) ? Integer(item, path, "maxFiles", 1, 100) : AttachmentRequirement.DefaultMaxFiles;
                var mediaTypes = new List<string>();
                if (Property(item, path, "mediaTypes", JsonValueKind.Array, out var types))
                {
                    mediaTypes.AddRange(types.EnumerateArray().Select(t => t.GetString() ?? ""));
                    if (mediaTypes.Count == 0 || mediaTypes.Any(t => !MediaTypePattern().IsMatch(t)))
                    {
                        Problem($"{path}.mediaTypes", "must list media types such as application/pdf or image/jpeg");
                    }
                }

                if (kind is not null && label is not null && maxBytes is not null && maxFiles is not null)
                {
                    attachments.Add(new AttachmentRequirement(kind, label, mediaTypes, maxBytes.Value, Bool(item, path, "required"), maxFiles.Value));
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
