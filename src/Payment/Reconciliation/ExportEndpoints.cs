using EfaPlatform.ServiceDefaults;
using EfaPlatform.ServiceDefaults.Auth;
using EfaPlatform.ServiceDefaults.OpenApi;

namespace EfaPlatform.Payment.Reconciliation;

/// <summary><c>GET /api/payment/v1/tenants/{tenantId}/exports/{exportId}/csv</c>: an export's CSV as it was made, byte for byte.</summary>
public static class ExportEndpoints
{
    public static string CsvPath(Guid tenantId, string exportId) => $"/api/payment/v1/tenants/{tenantId}/exports/{exportId}/csv";

    public static void MapExportEndpoints(this WebApplication app) =>
        app.MapGet("/api/payment/v1/tenants/{tenantId}/exports/{exportId}/csv", DownloadAsync).RequireAuthorization(ReconciliationService.Treasury)
            .WithHttpOperation(new HttpOperation("An export's CSV",
                "Semicolon-separated, German number format, UTF-8 with BOM, CRLF; the same bytes every time.")
            {
                Answers = [new HttpAnswer(200, "The CSV", "text/csv")],
            });

    private static async Task DownloadAsync(HttpContext context, string tenantId, string exportId, ExportStore exports)
    {
        if (!Guid.TryParse(tenantId, out var tenant) || !context.User.CanActForTenant(tenantId))
        {
            await RestRequestGuard.WriteProblemAsync(context, StatusCodes.Status403Forbidden, "Exports are for the municipality's own treasury.");
            return;
        }

        var csv = Guid.TryParse(exportId, out var id) ? await exports.CsvAsync(tenant, id, context.RequestAborted) : null;
        if (csv is null)
        {
            await RestRequestGuard.WriteProblemAsync(context, StatusCodes.Status404NotFound, "The export was not found.", "exportId");
            return;
        }

        context.Response.ContentType = "text/csv; charset=utf-8";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"zahlungen-{id}.csv\"";
        context.Response.Headers.CacheControl = "private, max-age=31536000, immutable";
        await context.Response.Body.WriteAsync(csv, context.RequestAborted);
    }
}
