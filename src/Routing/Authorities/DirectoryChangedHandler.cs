using EfaPlatform.Contracts.Events.V1;
using EfaPlatform.Messaging.Consuming;
using EfaPlatform.Routing.Deliveries;

namespace EfaPlatform.Routing.Authorities;

/// <summary>
/// Routing follows its own directory changes (one instance takes each event): the lookup cache moves to the new version
/// where the writer could not set it, and deliveries that nobody was responsible for, or whose pull destination is
/// gone, are looked up again.
/// </summary>
public sealed class DirectoryChangedHandler(LookupCache cache, DeliveryStore deliveries) : IEventHandler<DirectoryChanged>
{
    public async Task HandleAsync(EventContext<DirectoryChanged> context, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(context.Payload.TenantId, out var tenantId))
        {
            return;
        }

        // Redis away: the event is handled again later, so that no instance keeps answering from an older version.
        await cache.DirectoryChangedAsync(tenantId, context.Payload.Version, throwWhenUnavailable: true);
        await deliveries.RetryAfterDirectoryChangeAsync(context.Transaction, tenantId, cancellationToken);
    }
}
