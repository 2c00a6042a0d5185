using EfaPlatform.Messaging.Consuming;
using EfaPlatform.Messaging.Tests.Events;
using EfaPlatform.ServiceDefaults;
using Npgsql;

namespace EfaPlatform.Messaging.Tests;

/// <summary>Records each handled event as a row, in the handler's transaction; throws for poison events.</summary>
public sealed class RecordingHandler : IEventHandler<ItemChanged>
{
    public static readonly SqlMigration Migration = new("test_0001_effects", """
        create table test_effects (
            id bigint generated always as identity primary key,
            event_id text not null,
            item_id text not null,
            version integer not null)
        """);

    /// <summary>Items whose poison events a "fix" made harmless (for replay tests).</summary>
    public static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> Cured = new();

    public async Task HandleAsync(EventContext<ItemChanged> context, CancellationToken cancellationToken)
    {
        if (context.Payload.Poison && !Cured.ContainsKey(context.Payload.ItemId))
        {
            throw new InvalidOperationException($"Item {context.Payload.ItemId} is poison.");
        }

        await using var command = new NpgsqlCommand(
            "insert into test_effects (event_id, item_id, version) values ($1, $2, $3)", context.Connection, context.Transaction);
        command.Parameters.AddWithValue(context.Id);
        command.Parameters.AddWithValue(context.Payload.ItemId);
        command.Parameters.AddWithValue(context.Payload.Version);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
