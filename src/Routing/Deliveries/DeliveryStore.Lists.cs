using System.Globalization;
using EfaPlatform.Contracts.Routing.V1;
using Google.Protobuf.WellKnownTypes;
using Npgsql;

namespace EfaPlatform.Routing.Deliveries;

/// <summary>A position in a list of deliveries: the last row's creation time and id.</summary>
public sealed record DeliveryPosition(DateTimeOffset CreatedAt, Guid DeliveryId)
{
    public override string ToString() => $"{CreatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}.{DeliveryId}";

    public static DeliveryPosition? Parse(string? value)
    {
        var parts = value?.Split('.', 2);
        return parts is [var ticks, var id] && long.TryParse(ticks, CultureInfo.InvariantCulture, out var utcTicks)
               && utcTicks >= DateTimeOffset.MinValue.UtcTicks && utcTicks <= DateTimeOffset.MaxValue.UtcTicks && Guid.TryParse(id, out var deliveryId)
            ? new DeliveryPosition(new DateTimeOffset(utcTicks, TimeSpan.Zero), deliveryId)
            : null;
    }

    public static DeliveryPosition Of(StoredDelivery delivery) => new(delivery.CreatedAt, delivery.DeliveryId);
}

public sealed partial class DeliveryStore
{
    /// <summary>A municipality's deliveries, newest first; <paramref name="inbox"/> "open"/"decided"/"" lists its inbox deliveries only.</summary>
    public async Task<IReadOnlyList<StoredDelivery>> ListAsync(
        Guid tenantId, string? state, string? inbox, DeliveryPosition? after, int count, CancellationToken cancellationToken)
    {
        var where = "d.tenant_id = $1 and ($2::text is null or d.state = $2) and ($3::timestamptz is null or (d.created_at, d.delivery_id) < ($3, $4))";
        where += inbox switch
        {
            null => "",
            "open" => " and d.channel = 'inbox' and d.state = 'delivered' and x.outcome is null",
            "decided" => " and d.channel = 'inbox' and x.outcome is not null",
            _ => " and d.channel = 'inbox' and d.state = 'delivered'",
        };
        await using var command = dataSource.CreateCommand(
            $"select {Columns} from {From} where {where} order by d.created_at desc, d.delivery_id desc limit {count}");
        command.Parameters.AddWithValue(tenantId);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)state ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)after?.CreatedAt.ToUniversalTime() ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        command.Parameters.AddWithValue(after?.DeliveryId ?? Guid.Empty);
        return await ReadAllAsync(command, cancellationToken);
    }

    /// <summary>A pull destination's offered deliveries, oldest first.</summary>
    public async Task<IReadOnlyList<StoredDelivery>> OfferedAsync(Guid destinationId, DeliveryPosition? after, int count, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            select {Columns} from {From}
            where d.destination_id = $1 and d.state = 'offered' and ($2::timestamptz is null or (d.created_at, d.delivery_id) > ($2, $3))
            order by d.created_at, d.delivery_id limit {count}
            """);
        command.Parameters.AddWithValue(destinationId);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)after?.CreatedAt.ToUniversalTime() ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        command.Parameters.AddWithValue(after?.DeliveryId ?? Guid.Empty);
        return await ReadAllAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<DeliveryAttempt>> AttemptsAsync(Guid deliveryId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "select number, started_at, finished_at, outcome, status_code, error from delivery_attempts where delivery_id = $1 order by number");
        command.Parameters.AddWithValue(deliveryId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var attempts = new List<DeliveryAttempt>();
        while (await reader.ReadAsync(cancellationToken))
        {
            attempts.Add(new DeliveryAttempt
            {
                Number = reader.GetInt32(0),
                StartedAt = Timestamp.FromDateTimeOffset(reader.GetFieldValue<DateTimeOffset>(1)),
                FinishedAt = reader.IsDBNull(2) ? null : Timestamp.FromDateTimeOffset(reader.GetFieldValue<DateTimeOffset>(2)),
                // Running, or cut off when the process stopped: then it is tried again under the same delivery id.
                Outcome = reader.IsDBNull(3) ? "unfinished" : reader.GetString(3),
                StatusCode = reader.GetInt32(4),
                Error = reader.IsDBNull(5) ? "" : reader.GetString(5),
            });
        }

        return attempts;
    }

    private static async Task<IReadOnlyList<StoredDelivery>> ReadAllAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var deliveries = new List<StoredDelivery>();
        while (await reader.ReadAsync(cancellationToken))
        {
            deliveries.Add(Read(reader));
        }

        return deliveries;
    }
}
