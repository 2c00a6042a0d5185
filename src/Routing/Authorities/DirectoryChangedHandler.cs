using EfaPlatform.Contracts.Events.V1;
using EfaPlatform.Messaging.Consuming;
using EfaPlatform.Routing.Deliveries;

namespace EfaPlatform.Routing.Authorities;

/// <summary>
/// Every routing instance follows directory changes: the lookup cache moves to the new version (where the writer could
/// not set it), and deliveries that nobody was responsible for are looked up again.
/// </summary>
public sealed class DirectoryChangedHandler(LookupCache cache, DeliveryStore deliveries) : IEventHandler<DirectoryChanged>
{
    public async Task HandleAsync(EventContext<DirectoryChanged> context, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(context.Payload.TenantId, out var tenantId))
        {
            return;
        }

        await cache.DirectoryChangedAsync(tenantId, context.Payload.Version);
        await deliveries.RetryUnroutableAsync(context.Transaction, tenantId, cancellationToken);
    }
}
