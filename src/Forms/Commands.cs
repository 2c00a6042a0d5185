using EfaPlatform.Forms.Definitions;
using EfaPlatform.ServiceDefaults;
using Npgsql;

namespace EfaPlatform.Forms;

/// <summary>The explicit migration step: `EfaPlatform.Forms migrate` applies the schema and publishes the catalog.</summary>
public static partial class Commands
{
    public static async Task<int?> TryRunAsync(this WebApplication app, string[] args)
    {
        if (args.FirstOrDefault() != "migrate")
        {
            return null;
        }

        var dataSource = app.Services.GetRequiredService<NpgsqlDataSource>();
        await SqlMigrator.ApplyAsync(dataSource, SqlMigration.FromEmbeddedResources(typeof(Commands).Assembly, "Migrations"));
        var catalog = app.Configuration["Forms:CatalogFolder"] is { Length: > 0 } folder ? folder : Path.Combine(AppContext.BaseDirectory, "Catalog");
        var published = await CatalogPublisher.PublishAsync(catalog, app.Services.GetRequiredService<DefinitionStore>(), CancellationToken.None);
        LogPublished(app.Logger, published.Count, string.Join(", ", published));
        return 0;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Published {Count} new online-service versions: {Versions}")]
    private static partial void LogPublished(ILogger logger, int count, string versions);
}
