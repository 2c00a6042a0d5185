using EfaPlatform.ServiceDefaults;

namespace EfaPlatform.Messaging;

/// <summary>The outbox and inbox tables, to be included in the migrations of every service that uses the event bus.</summary>
public static class MessagingSchema
{
    public static IReadOnlyList<SqlMigration> Migrations { get; } =
        SqlMigration.FromEmbeddedResources(typeof(MessagingSchema).Assembly, "Migrations")
            .Select(migration => migration with { Id = $"messaging_{migration.Id}" })
            .ToList();
}
