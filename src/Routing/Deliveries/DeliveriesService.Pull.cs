using EfaPlatform.Contracts.Routing.V1;
using EfaPlatform.ServiceDefaults;
using EfaPlatform.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace EfaPlatform.Routing.Deliveries;

/// <summary>The pull API of specialist systems and the caseworker inbox.</summary>
public sealed partial class DeliveriesService
{
    /// <summary>Who takes deliveries in: the municipality's machine clients (pull) and its caseworkers and tenant-admins (inbox).</summary>
    public const string Recipients = EfaPolicies.RolePrefix + EfaClaims.MachineClient + "," + EfaClaims.Caseworker + "," + EfaClaims.TenantAdmin;

    private const string InboxStaff = EfaPolicies.RolePrefix + EfaClaims.Caseworker + "," + EfaClaims.TenantAdmin;

    [Authorize(Policy = EfaPolicies.RolePrefix + EfaClaims.MachineClient)]
    public override async Task<ListPendingDeliveriesResponse> ListPendingDeliveries(ListPendingDeliveriesRequest request, ServerCallContext context)
    {
        var destination = Guid.TryParse(request.DestinationId, out var destinationId) ? await directory.DestinationAsync(destinationId, context.CancellationToken) : null;
        if (destination is null || !context.GetHttpContext().User.IsMemberOf(destination.Value.TenantId.ToString()))
        {
            throw FieldErrors.NotFound("The destination");
        }

        var errors = new FieldErrors();
        var filter = $"pending|{destinationId}";
        var page = Paging.Read(request.PageSize, request.PageToken, filter, errors);
        errors.ThrowIfAny();
        var found = await store.OfferedAsync(destinationId, DeliveryPosition.Parse(page.After), page.Size + 1, context.CancellationToken);
        var (deliveries, next) = Paging.Page(found, page.Size, filter, delivery => DeliveryPosition.Of(delivery).ToString());
        return new ListPendingDeliveriesResponse { Deliveries = { deliveries.Select(DeliveryMapper.ToMessage) }, NextPageToken = next };
    }

    [Authorize(Policy = Recipients)]
    public override async Task<DeliveryContent> FetchDelivery(FetchDeliveryRequest request, ServerCallContext context)
    {
        var delivery = Receivable(await FindAsync(request.DeliveryId, context), context);
        return await contents.ReadAsync(delivery, context.CancellationToken);
    }

    [Authorize(Policy = EfaPolicies.RolePrefix + EfaClaims.MachineClient)]
    public override async Task<Delivery> AcknowledgeDelivery(AcknowledgeDeliveryRequest request, ServerCallContext context)
    {
        var delivery = Receivable(await FindAsync(request.DeliveryId, context), context);
        var errors = new FieldErrors();
        if (request.ReceiptId.Length > 100)
        {
            errors.Add("receipt_id", "must be at most 100 characters");
        }

        errors.ThrowIfAny();
        if (delivery.Channel != Authorities.Channels.Pull)
        {
            throw FieldErrors.Precondition($"Delivery of {delivery.Reference} goes to a {delivery.Channel} destination; only pulled deliveries are acknowledged.");
        }

        var receipt = request.ReceiptId.Length > 0 ? request.ReceiptId : delivery.DeliveryId.ToString();
        // A repeated acknowledgement (the answer to the first was lost) is answered with the delivery as it is.
        await store.AcknowledgeAsync(delivery.DeliveryId, receipt, outbox, context.CancellationToken);
        return DeliveryMapper.ToMessage((await store.GetAsync(delivery.DeliveryId, context.CancellationToken))!);
    }

    [Authorize(Policy = InboxStaff)]
    public override async Task<ListDeliveriesResponse> ListInbox(ListInboxRequest request, ServerCallContext context)
    {
        var tenantId = context.TenantTheCallerActsFor(request.TenantId, NotYours);
        var errors = new FieldErrors();
        if (request.Status is not ("" or "open" or "decided"))
        {
            errors.Add("status", "must be open, decided or empty");
        }

        var filter = $"inbox|{tenantId}|{request.Status}";
        var page = Paging.Read(request.PageSize, request.PageToken, filter, errors);
        errors.ThrowIfAny();
        var found = await store.ListAsync(tenantId, null, request.Status, DeliveryPosition.Parse(page.After), page.Size + 1, context.CancellationToken);
        var (deliveries, next) = Paging.Page(found, page.Size, filter, delivery => DeliveryPosition.Of(delivery).ToString());
        return new ListDeliveriesResponse { Deliveries = { deliveries.Select(DeliveryMapper.ToMessage) }, NextPageToken = next };
    }

    /// <summary>
    /// A delivery its municipality's recipients may take: offered or delivered, to a pull or push destination for
    /// machine clients and to any for staff. The one rule for the API and the attachment download.
    /// </summary>
    public static bool IsReceivableBy(StoredDelivery? delivery, System.Security.Claims.ClaimsPrincipal user) =>
        delivery is { State: DeliveryStates.Offered or DeliveryStates.Delivered }
        && user.IsMemberOf(delivery.TenantId.ToString())
        && (user.IsPerson() || delivery.Channel != Authorities.Channels.Inbox);

    /// <summary>The delivery when <see cref="IsReceivableBy"/>; anything else is answered like a missing one.</summary>
    private static StoredDelivery Receivable(StoredDelivery? delivery, ServerCallContext context) =>
        IsReceivableBy(delivery, context.GetHttpContext().User) ? delivery! : throw FieldErrors.NotFound("The delivery");
}
