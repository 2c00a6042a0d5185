using System.Globalization;
using EfaPlatform.Contracts.Payment.V1;
using EfaPlatform.ServiceDefaults;
using EfaPlatform.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace EfaPlatform.Payment.Reconciliation;

/// <summary>Exports for the treasury, made once and kept (<see cref="ExportBuilder"/>, <see cref="ExportCsv"/>).</summary>
[Authorize(Policy = Treasury)]
public sealed class ReconciliationService(ExportBuilder builder, ExportStore exports, TimeProvider clock)
    : Contracts.Payment.V1.ReconciliationService.ReconciliationServiceBase
{
    /// <summary>Who fetches a municipality's bookings: its tenant-admins and machine clients (the finance system), and operators.</summary>
    public const string Treasury = EfaPolicies.RolePrefix + EfaClaims.PlatformAdmin + "," + EfaClaims.TenantAdmin + "," + EfaClaims.MachineClient;

    public override async Task<Export> CreateExport(CreateExportRequest request, ServerCallContext context)
    {
        var tenantId = TenantOf(request.TenantId, context);
        var now = clock.GetUtcNow();
        if (!DateOnly.TryParseExact(request.Date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            || day < TreasuryCalendar.FirstDay || day > TreasuryCalendar.Today(now))
        {
            new FieldErrors().Add("date", $"must be a day (YYYY-MM-DD) from {TreasuryCalendar.FirstDay:yyyy-MM-dd} to today").ThrowIfAny();
        }

        var export = await builder.BuildAsync(tenantId, day, now, context.CancellationToken);
        export.ExportId = Guid.CreateVersion7(now).ToString();
        export.CsvPath = ExportEndpoints.CsvPath(tenantId, export.ExportId);
        await exports.SaveAsync(tenantId, day, export, ExportCsv.Write(export), now, context.CancellationToken);
        return export;
    }

    public override async Task<Export> GetExport(GetExportRequest request, ServerCallContext context)
    {
        var tenantId = TenantOf(request.TenantId, context);
        var export = Guid.TryParse(request.ExportId, out var exportId) ? await exports.MessageAsync(tenantId, exportId, context.CancellationToken) : null;
        return export ?? throw FieldErrors.NotFound("The export");
    }

    private static Guid TenantOf(string tenantId, ServerCallContext context) =>
        context.TenantTheCallerActsFor(tenantId, "Exports are for the municipality's own treasury.");
}
