using EfaPlatform.Contracts.Routing.V1;
using EfaPlatform.Messaging.Outbox;
using EfaPlatform.Routing.Decisions;
using EfaPlatform.ServiceDefaults;
using EfaPlatform.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace EfaPlatform.Routing.Deliveries;

/// <summary>Deliveries for operators and the municipality's staff; the pull API and the inbox in the other parts.</summary>
public sealed partial class DeliveriesService(
    DeliveryStore store, DeliveryContents contents, Authorities.DirectoryStore directory, DecisionMaker decisions, EventOutbox outbox)
    : Contracts.Routing.V1.DeliveriesService.DeliveriesServiceBase
{
    private const string Readers = Authorities.DirectoryService.Readers;
    private const string NotYours = "You may see only your own municipality's deliveries.";

    [Authorize(Policy = Readers)]
    public override async Task<Delivery> GetSubmissionDelivery(GetSubmissionDeliveryRequest request, ServerCallContext context)
    {
        var delivery = Guid.TryParse(request.SubmissionId, out var submissionId) ? await store.ForSubmissionAsync(submissionId, context.CancellationToken) : null;
        return DeliveryMapper.ToMessage(Visible(delivery, context));
    }

    [Authorize(Policy = Readers)]
    public override async Task<ListDeliveriesResponse> ListDeliveries(ListDeliveriesRequest request, ServerCallContext context)
    {
        var tenantId = context.TenantTheCallerActsFor(request.TenantId, NotYours);
        var errors = new FieldErrors();
        if (request.State.Length > 0 && !DeliveryStates.All.Contains(request.State))
        {
            errors.Add("state", "must be one of " + string.Join(", ", DeliveryStates.All) + ", or empty");
        }

        var filter = $"deliveries|{tenantId}|{request.State}";
        var page = Paging.Read(request.PageSize, request.PageToken, filter, errors);
        errors.ThrowIfAny();
        var found = await store.ListAsync(tenantId, request.State.Length > 0 ? request.State : null, null, DeliveryPosition.Parse(page.After), page.Size + 1, context.CancellationToken);
        var (deliveries, next) = Paging.Page(found, page.Size, filter, delivery => DeliveryPosition.Of(delivery).ToString());
        return new ListDeliveriesResponse { Deliveries = { deliveries.Select(DeliveryMapper.ToMessage) }, NextPageToken = next };
    }

    [Authorize(Policy = Readers)]
    public override async Task<ListDeliveryAttemptsResponse> ListDeliveryAttempts(ListDeliveryAttemptsRequest request, ServerCallContext context)
    {
        var delivery = Visible(await FindAsync(request.DeliveryId, context), context);
        return new ListDeliveryAttemptsResponse { Attempts = { await store.AttemptsAsync(delivery.DeliveryId, context.CancellationToken) } };
    }

    [Authorize(Policy = EfaPolicies.TenantAdministration)]
    public override async Task<Delivery> RedriveDelivery(RedriveDeliveryRequest request, ServerCallContext context)
    {
        var delivery = Visible(await FindAsync(request.DeliveryId, context), context);
        if (!await store.RedriveAsync(delivery.DeliveryId, context.CancellationToken))
        {
            throw FieldErrors.Precondition($"Delivery of {delivery.Reference} is {delivery.State}; only a parked or unroutable delivery is re-driven.");
        }

        return DeliveryMapper.ToMessage((await store.GetAsync(delivery.DeliveryId, context.CancellationToken))!);
    }

    private async Task<StoredDelivery?> FindAsync(string deliveryId, ServerCallContext context) =>
        Guid.TryParse(deliveryId, out var id) ? await store.GetAsync(id, context.CancellationToken) : null;

    /// <summary>The delivery when the caller may act for its municipality; another municipality's is answered like a missing one.</summary>
    private static StoredDelivery Visible(StoredDelivery? delivery, ServerCallContext context) =>
        delivery is not null && context.GetHttpContext().User.CanActForTenant(delivery.TenantId.ToString())
            ? delivery
            : throw FieldErrors.NotFound("The delivery");
}
