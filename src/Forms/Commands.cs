using EfaPlatform.Forms.Activations;
using EfaPlatform.Forms.Definitions;
using EfaPlatform.Forms.Schemas;
using EfaPlatform.Messaging;
using EfaPlatform.Messaging.Consuming;
using EfaPlatform.ServiceDefaults;
using Microsoft.Extensions.Options;
using Npgsql;

namespace EfaPlatform.Forms;

/// <summary>
/// One-off steps: `EfaPlatform.Forms migrate` applies the schema and publishes the catalog; `replay-dlq --topic … [--id …]`
/// publishes dead-lettered events again.
/// </summary>
public static partial class Commands
{
    public static async Task<int?> TryRunAsync(this WebApplication app, string[] args) => args.FirstOrDefault() switch
    {
        "migrate" => await MigrateAsync(app),
        DeadLetterReplay.CommandName => await DeadLetterReplay.RunCommandAsync(app.Services, args[1..]),
        _ => null,
    };

    private static async Task<int> MigrateAsync(WebApplication app)
    {
        var dataSource = app.Services.GetRequiredService<NpgsqlDataSource>();
        await SqlMigrator.ApplyAsync(dataSource, [.. MessagingSchema.Migrations, .. SqlMigration.FromEmbeddedResources(typeof(Commands).Assembly, "Migrations")]);
        var catalog = app.Configuration["Forms:CatalogFolder"] is { Length: > 0 } folder ? folder : Path.Combine(AppContext.BaseDirectory, "Catalog");
        var published = await CatalogPublisher.PublishAsync(catalog, app.Services.GetRequiredService<DefinitionStore>(), CancellationToken.None);
        LogPublished(app.Logger, published.Count, string.Join(", ", published));
        await SeedActivationsAsync(app);
        return 0;
    }

    private static async Task SeedActivationsAsync(WebApplication app)
    {
        var seed = app.Services.GetRequiredService<IOptions<FormsOptions>>().Value.Seed;
        if (seed.TenantId is not { } tenantId)
        {
            return;
        }

        var activations = app.Services.GetRequiredService<ActivationStore>();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        foreach (var published in await app.Services.GetRequiredService<DefinitionStore>().ListLatestAsync(CancellationToken.None))
        {
            await activations.AddIfMissingAsync(
                new StoredActivation(tenantId, published.Definition.Id, null, [.. LocalizedText.Languages], seed.ContactEmail, "", today, null, seed.ReferencePrefix),
                CancellationToken.None);
        }

        LogSeeded(app.Logger, tenantId);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Catalog services activated for development tenant {TenantId} where they were not yet")]
    private static partial void LogSeeded(ILogger logger, Guid tenantId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Published {Count} new online-service versions: {Versions}")]
    private static partial void LogPublished(ILogger logger, int count, string versions);
}
