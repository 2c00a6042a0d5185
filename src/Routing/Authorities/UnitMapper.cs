using EfaPlatform.Contracts.Routing.V1;
using Google.Protobuf.WellKnownTypes;

namespace EfaPlatform.Routing.Authorities;

public static class UnitMapper
{
    public static DirectoryUnit FromMessage(Guid tenantId, string unitId, Unit unit) => new(
        tenantId, unitId, unit.Name.Trim(), [.. unit.LeikaKeys], [.. unit.Areas],
        new UnitContact(unit.Contact?.Email.Trim() ?? "", unit.Contact?.Phone.Trim() ?? "", unit.Contact?.Address.Trim() ?? ""),
        [.. unit.Destinations.Select(destination => new DirectoryDestination(
            Guid.TryParse(destination.DestinationId, out var id) ? id : Guid.Empty,
            destination.Channel,
            destination.PushUrl.Length == 0 ? null : destination.PushUrl,
            destination.CallbackSecret.Length == 0 ? null : destination.CallbackSecret,
            false,
            destination.EncryptionKey.Length == 0 ? null : destination.EncryptionKey,
            [.. destination.LeikaKeys]))],
        0, default, "");

    public static Unit ToMessage(DirectoryUnit unit)
    {
        var message = new Unit
        {
            TenantId = unit.TenantId.ToString(), UnitId = unit.UnitId, Name = unit.Name, LeikaKeys = { unit.LeikaKeys }, Areas = { unit.Areas },
            Contact = ToMessage(unit.Contact), Version = unit.Version, UpdatedAt = Timestamp.FromDateTimeOffset(unit.UpdatedAt), UpdatedBy = unit.UpdatedBy,
        };
        message.Destinations.AddRange(unit.Destinations.Select(destination => new Destination
        {
            DestinationId = destination.DestinationId.ToString(), Channel = destination.Channel, PushUrl = destination.PushUrl ?? "",
            HasCallbackSecret = destination.HasCallbackSecret, EncryptionKey = destination.EncryptionKey ?? "", LeikaKeys = { destination.LeikaKeys },
        }));
        return message;
    }

    public static Contact ToMessage(UnitContact contact) => new() { Email = contact.Email, Phone = contact.Phone, Address = contact.Address };

    public static Responsibility ToMessage(CachedResponsibility answer) => new()
    {
        Responsible = answer.UnitId is not null && answer.DestinationId is not null,
        UnitId = answer.UnitId ?? "", UnitName = answer.UnitName ?? "", MatchedArea = answer.MatchedArea ?? "",
        DestinationId = answer.DestinationId?.ToString() ?? "", Channel = answer.Channel ?? "",
        Contact = answer.Contact is null ? null : ToMessage(answer.Contact), DirectoryVersion = answer.DirectoryVersion,
    };
}
