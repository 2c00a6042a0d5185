using System.Text;
using System.Text.Json;
using EfaPlatform.Forms.Definitions;
using EfaPlatform.Forms.Schemas;

namespace EfaPlatform.Forms.Submissions;

/// <summary>A document an answer refers to.</summary>
public sealed record AttachmentReference(string FieldPath, Guid DocumentId);

public static class AttachmentReferences
{
    /// <summary>Every attachment answer of already validated answers, with its path ("persons[1].passport").</summary>
    public static IReadOnlyList<AttachmentReference> Collect(FormSchema schema, JsonElement answers)
    {
        var found = new List<AttachmentReference>();
        Walk(schema.Elements, answers, "", found);
        return found;
    }

    /// <summary>
    /// The rules of the manifest's attachment requirement whose kind is the field's id in kebab case (field
    /// "registrationCertificate" → kind "registration-certificate"); the platform's rules alone when there is none.
    /// </summary>
    public static AttachmentToHold WithRules(AttachmentReference reference, IReadOnlyList<AttachmentRequirement> requirements)
    {
        var kind = KindOf(FieldId(reference));
        var requirement = requirements.FirstOrDefault(r => r.Kind == kind);
        return new AttachmentToHold(reference, requirement?.MediaTypes ?? [], requirement?.MaxBytes ?? 0);
    }

    /// <summary>The answers beyond their requirement's number of files, in form order, with the number allowed.</summary>
    public static IEnumerable<(AttachmentReference Reference, int MaxFiles)> BeyondMaxFiles(
        IReadOnlyList<AttachmentReference> references, IReadOnlyList<AttachmentRequirement> requirements) =>
        requirements.SelectMany(requirement => references
            .Where(reference => KindOf(FieldId(reference)) == requirement.Kind)
            .Skip(requirement.MaxFiles)
            .Select(reference => (reference, requirement.MaxFiles)));

    private static string FieldId(AttachmentReference reference) => reference.FieldPath[(reference.FieldPath.LastIndexOf('.') + 1)..];

    public static string KindOf(string fieldId)
    {
        var kind = new StringBuilder(fieldId.Length + 4);
        foreach (var character in fieldId)
        {
            if (char.IsUpper(character) && kind.Length > 0)
            {
                kind.Append('-');
            }

            kind.Append(char.ToLowerInvariant(character));
        }

        return kind.ToString();
    }

    private static void Walk(IReadOnlyList<FormElement> elements, JsonElement scope, string prefix, List<AttachmentReference> found)
    {
        if (scope.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var element in elements)
        {
            if (!scope.TryGetProperty(element.Id, out var answer))
            {
                continue;
            }

            var path = prefix + element.Id;
            if (element.Type == FieldType.Attachment && answer.ValueKind == JsonValueKind.String && Guid.TryParse(answer.GetString(), out var documentId))
            {
                found.Add(new AttachmentReference(path, documentId));
            }
            else if (element.Type == FieldType.Group && element.Repeatable && answer.ValueKind == JsonValueKind.Array)
            {
                var index = 0;
                foreach (var item in answer.EnumerateArray())
                {
                    Walk(element.Elements, item, $"{path}[{index++}].", found);
                }
            }
            else if (element.Type == FieldType.Group)
            {
                Walk(element.Elements, answer, path + ".", found);
            }
        }
    }
}
