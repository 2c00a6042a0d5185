using System.Text.Json;
using EfaPlatform.Forms.Schemas;
using EfaPlatform.ServiceDefaults.Auth;

namespace EfaPlatform.Forms.Definitions;

public enum FeeKind
{
    /// <summary>One amount per submission.</summary>
    Fixed,

    /// <summary>An amount per unit of a number answered in the form (for example per year of validity).</summary>
    PerQuantity,
}

/// <summary>What a service costs, in cents of <see cref="Currency"/>.</summary>
public sealed record FeeRule(FeeKind Kind, long AmountCents, string Currency = "EUR", string? QuantityField = null)
{
    /// <summary>The fee of one submission: the municipality's amount (or the service's), per unit of the answered quantity for a per-quantity fee.</summary>
    public long AmountFor(long? tenantAmountCents, JsonElement answers)
    {
        var amount = tenantAmountCents ?? AmountCents;
        return Kind == FeeKind.PerQuantity && QuantityField is { } field && answers.TryGetProperty(field, out var quantity) && quantity.TryGetInt64(out var units)
            ? amount * units
            : amount;
    }
}

/// <summary>
/// A document the citizen has to attach. <paramref name="MaxFiles"/> counts every answer of this kind in the form
/// (a repeatable group's persons each attaching one, for example).
/// </summary>
public sealed record AttachmentRequirement(string Kind, LocalizedText Label, IReadOnlyList<string> MediaTypes, long MaxBytes, bool Required, int MaxFiles = AttachmentRequirement.DefaultMaxFiles)
{
    public const int DefaultMaxFiles = 20;
}

/// <summary>
/// An online service, defined once (EfA) and activated by municipalities with their own parameters. A published
/// version never changes; a change is a new version.
/// </summary>
public sealed class OnlineServiceDefinition
{
    public required string Id { get; init; }

    public required int Version { get; init; }

    /// <summary>Leistungsschlüssel of the LeiKa catalogue, 14 digits.</summary>
    public required string LeikaKey { get; init; }

    public required LocalizedText Title { get; init; }

    public required LocalizedText Description { get; init; }

    public required TrustLevel MinimumTrustLevel { get; init; }

    public required FeeRule Fee { get; init; }

    public IReadOnlyList<AttachmentRequirement> Attachments { get; init; } = [];

    public required FormSchema Form { get; init; }
}
