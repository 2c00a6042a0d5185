using System.Globalization;
using EfaPlatform.Contracts.Payment.V1;
using EfaPlatform.ServiceDefaults;
using EfaPlatform.ServiceDefaults.Auth;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Npgsql;

namespace EfaPlatform.Payment.Reconciliation;

/// <summary>Exports for the treasury, made once and kept (<see cref="ExportBuilder"/>, <see cref="ExportCsv"/>).</summary>
[Authorize(Policy = Treasury)]
public sealed class ReconciliationService(ExportBuilder builder, NpgsqlDataSource dataSource, TimeProvider clock)
    : Contracts.Payment.V1.ReconciliationService.ReconciliationServiceBase
{
    /// <summary>Who fetches a municipality's bookings: its tenant-admins and machine clients (the finance system), and operators.</summary>
    public const string Treasury = EfaPolicies.RolePrefix + EfaClaims.PlatformAdmin + "," + EfaClaims.TenantAdmin + "," + EfaClaims.MachineClient;

    public override async Task<Export> CreateExport(CreateExportRequest request, ServerCallContext context)
    {
        var tenantId = TenantOf(request.TenantId, context);
        var now = clock.GetUtcNow();
        if (!DateOnly.TryParseExact(request.Date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) || day > ExportBuilder.Today(now))
        {
            new FieldErrors().Add("date", "must be a day (YYYY-MM-DD) that is not in the future").ThrowIfAny();
        }

        var export = await builder.BuildAsync(tenantId, day, now, context.CancellationToken);
        export.ExportId = Guid.CreateVersion7(now).ToString();
        export.CsvPath = ExportEndpoints.CsvPath(tenantId, export.ExportId);
        await using var connection = await dataSource.OpenConnectionAsync(context.CancellationToken);
        await using var insert = new NpgsqlCommand("insert into exports (id, tenant_id, day, cutoff, created_at, message, csv) values ($1, $2, $3, $4, $5, $6, $7)", connection);
        insert.Parameters.AddWithValue(Guid.Parse(export.ExportId));
        insert.Parameters.AddWithValue(tenantId);
        insert.Parameters.AddWithValue(day);
        insert.Parameters.AddWithValue(export.Cutoff.ToDateTimeOffset());
        insert.Parameters.AddWithValue(now);
        insert.Parameters.AddWithValue(export.ToByteArray());
        insert.Parameters.AddWithValue(ExportCsv.Write(export));
        await insert.ExecuteNonQueryAsync(context.CancellationToken);
        return export;
    }

    public override async Task<Export> GetExport(GetExportRequest request, ServerCallContext context)
    {
        var tenantId = TenantOf(request.TenantId, context);
        var stored = Guid.TryParse(request.ExportId, out var exportId) ? await ReadAsync(dataSource, tenantId, exportId, "message", context.CancellationToken) : null;
        return stored is null ? throw FieldErrors.NotFound("The export") : Export.Parser.ParseFrom(stored);
    }

    /// <summary>A column of a stored export of <paramref name="tenantId"/> ("message" or "csv"), or null.</summary>
    public static async Task<byte[]?> ReadAsync(NpgsqlDataSource dataSource, Guid tenantId, Guid exportId, string column, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var select = new NpgsqlCommand($"select {(column == "csv" ? "csv" : "message")} from exports where id = $1 and tenant_id = $2", connection);
        select.Parameters.AddWithValue(exportId);
        select.Parameters.AddWithValue(tenantId);
        return await select.ExecuteScalarAsync(cancellationToken) as byte[];
    }

    private static Guid TenantOf(string tenantId, ServerCallContext context) =>
        Guid.TryParse(tenantId, out var id) && context.GetHttpContext().User.CanActForTenant(tenantId)
            ? id
            : throw FieldErrors.Denied("Exports are for the municipality's own treasury.");
}
