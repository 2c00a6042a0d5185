namespace EfaPlatform.Forms.Schemas;

/// <summary>One problem with one answer: where (for example "persons[1].birthDate"), a machine code, and the message.</summary>
public sealed record ValidationError(string Path, string Code, string Message);

public enum ValidationMode
{
    /// <summary>A draft may be incomplete: required answers are not asked for yet.</summary>
    Draft,

    /// <summary>A submission must be complete.</summary>
    Submission,
}
