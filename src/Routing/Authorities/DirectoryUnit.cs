namespace EfaPlatform.Routing.Authorities;

/// <summary>A unit as the directory keeps it (secrets only sealed).</summary>
public sealed record DirectoryUnit(
    Guid TenantId,
    string UnitId,
    string Name,
    IReadOnlyList<string> LeikaKeys,
    IReadOnlyList<string> Areas,
    UnitContact Contact,
    IReadOnlyList<DirectoryDestination> Destinations,
    long Version,
    DateTimeOffset UpdatedAt,
    string UpdatedBy);

public sealed record UnitContact(string Email, string Phone, string Address);

/// <param name="CallbackSecret">In clear only on its way in (a change) or out to the push channel; null when unchanged.</param>
public sealed record DirectoryDestination(
    Guid DestinationId,
    string Channel,
    string? PushUrl,
    string? CallbackSecret,
    bool HasCallbackSecret,
    string? EncryptionKey,
    IReadOnlyList<string> LeikaKeys);

public static class Channels
{
    public const string Push = "push";
    public const string Pull = "pull";
    public const string Inbox = "inbox";
    public static readonly IReadOnlyList<string> All = [Push, Pull, Inbox];
}
