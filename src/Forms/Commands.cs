using EfaPlatform.Forms.Activations;
using EfaPlatform.Forms.Definitions;
using EfaPlatform.Forms.Schemas;
using Microsoft.Extensions.Options;

namespace EfaPlatform.Forms;

/// <summary>
/// Forms' step of the kit's `migrate` command, after its SQL migrations: publish the catalog folder's manifests (every
/// problem with its location stops it) and, in development, activate every catalog service for the seed tenant.
/// </summary>
public static partial class Commands
{
    public static async Task PublishCatalogAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var configuration = services.GetRequiredService<IConfiguration>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(Commands));
        var catalog = configuration["Forms:CatalogFolder"] is { Length: > 0 } folder ? folder : Path.Combine(AppContext.BaseDirectory, "Catalog");
        var published = await CatalogPublisher.PublishAsync(catalog, services.GetRequiredService<DefinitionStore>(), cancellationToken);
        LogPublished(logger, published.Count, string.Join(", ", published));
        await SeedActivationsAsync(services, logger, cancellationToken);
    }

    private static async Task SeedActivationsAsync(IServiceProvider services, ILogger logger, CancellationToken cancellationToken)
    {
        var seed = services.GetRequiredService<IOptions<FormsOptions>>().Value.Seed;
        if (seed.TenantId is not { } tenantId)
        {
            return;
        }

        var activations = services.GetRequiredService<ActivationStore>();
        var today = DateOnly.FromDateTime(services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime);
        foreach (var published in await services.GetRequiredService<DefinitionStore>().ListLatestAsync(cancellationToken))
        {
            await activations.AddIfMissingAsync(
                new StoredActivation(tenantId, published.Definition.Id, null, [.. LocalizedText.Languages], seed.ContactEmail, "", today, null, seed.ReferencePrefix),
                cancellationToken);
        }

        LogSeeded(logger, tenantId);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Catalog services activated for development tenant {TenantId} where they were not yet")]
    private static partial void LogSeeded(ILogger logger, Guid tenantId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Published {Count} new online-service versions: {Versions}")]
    private static partial void LogPublished(ILogger logger, int count, string versions);
}
