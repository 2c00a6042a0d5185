using EfaPlatform.Contracts.Routing.V1;
using Google.Protobuf.WellKnownTypes;

namespace EfaPlatform.Routing.Deliveries;

public static class DeliveryMapper
{
    public static Delivery ToMessage(StoredDelivery delivery) => new()
    {
        DeliveryId = delivery.DeliveryId.ToString(),
        SubmissionId = delivery.SubmissionId.ToString(),
        TenantId = delivery.TenantId.ToString(),
        Reference = delivery.Reference,
        ServiceId = delivery.ServiceId,
        LeikaKey = delivery.LeikaKey,
        State = delivery.State,
        UnitId = delivery.UnitId ?? "",
        DestinationId = delivery.DestinationId?.ToString() ?? "",
        Channel = delivery.Channel ?? "",
        Attempts = delivery.Attempts,
        NextAttemptAt = delivery.State == DeliveryStates.Pending && delivery.NextAttemptAt is { } next ? Timestamp.FromDateTimeOffset(next) : null,
        DeliveredAt = delivery.DeliveredAt is { } delivered ? Timestamp.FromDateTimeOffset(delivered) : null,
        ReceiptId = delivery.ReceiptId ?? "",
        LastError = delivery.LastError ?? "",
        CreatedAt = Timestamp.FromDateTimeOffset(delivery.CreatedAt),
        Outcome = delivery.Outcome ?? "",
    };
}
