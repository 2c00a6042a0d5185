using EfaPlatform.Contracts.Routing.V1;
using EfaPlatform.ServiceDefaults;
using EfaPlatform.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace EfaPlatform.Routing.Authorities;

public sealed class DirectoryService(
    DirectoryStore store, DirectoryWriter writer, ResponsibilityLookup lookup, TenantAreas tenantAreas, IOptions<RoutingOptions> options)
    : Contracts.Routing.V1.DirectoryService.DirectoryServiceBase
{
    /// <summary>Who reads a directory: the municipality's staff and machine clients, and operators.</summary>
    public const string Readers = EfaPolicies.RolePrefix + EfaClaims.PlatformAdmin + "," + EfaClaims.TenantAdmin + "," + EfaClaims.Caseworker + "," + EfaClaims.MachineClient;

    private const string NotYours = "You may use only your own municipality's directory.";

    [Authorize(Policy = Readers)]
    public override async Task<ListUnitsResponse> ListUnits(ListUnitsRequest request, ServerCallContext context)
    {
        var tenantId = context.TenantTheCallerActsFor(request.TenantId, NotYours);
        var errors = new FieldErrors();
        var page = Paging.Read(request.PageSize, request.PageToken, $"units|{tenantId}", errors);
        errors.ThrowIfAny();
        var version = await store.VersionAsync(tenantId, context.CancellationToken);
        var (units, next) = Paging.Page(await store.ListAsync(tenantId, page.After, page.Size + 1, context.CancellationToken), page.Size, $"units|{tenantId}", unit => unit.UnitId);
        return new ListUnitsResponse { Units = { units.Select(UnitMapper.ToMessage) }, NextPageToken = next, DirectoryVersion = version };
    }

    [Authorize(Policy = Readers)]
    public override async Task<Unit> GetUnit(GetUnitRequest request, ServerCallContext context)
    {
        var tenantId = context.TenantTheCallerActsFor(request.TenantId, NotYours);
        return UnitRules.IsUnitId(request.UnitId) && await store.GetAsync(tenantId, request.UnitId, context.CancellationToken) is { } unit
            ? UnitMapper.ToMessage(unit)
            : throw FieldErrors.NotFound("The unit");
    }

    [Authorize(Policy = EfaPolicies.TenantAdministration)]
    public override async Task<Unit> PutUnit(PutUnitRequest request, ServerCallContext context)
    {
        var tenantId = context.TenantTheCallerActsFor(request.TenantId, NotYours);
        var errors = new FieldErrors();
        if (request.Unit is null)
        {
            errors.Add("unit", "is required").ThrowIfAny();
        }

        if (request.Unit!.UnitId.Length > 0 && request.Unit.UnitId != request.UnitId)
        {
            errors.Add("unit.unit_id", "must be empty or the unit id of the path");
        }

        var unit = UnitMapper.FromMessage(tenantId, request.UnitId, request.Unit);
        UnitRules.Check(unit, field => field == "unit_id" ? "unit_id" : "unit." + field, options.Value.AllowLoopbackHttp, (field, description) => errors.Add(field, description));
        if (request.ExpectedVersion < 0)
        {
            errors.Add("expected_version", "must be a unit version, or 0");
        }

        errors.ThrowIfAny();
        return UnitMapper.ToMessage(await writer.PutAsync(unit, request.ExpectedVersion, ChangedBy(context), context.CancellationToken));
    }

    [Authorize(Policy = EfaPolicies.TenantAdministration)]
    public override async Task<DirectoryChange> DeleteUnit(DeleteUnitRequest request, ServerCallContext context)
    {
        var tenantId = context.TenantTheCallerActsFor(request.TenantId, NotYours);
        var version = UnitRules.IsUnitId(request.UnitId) ? await writer.DeleteAsync(tenantId, request.UnitId, ChangedBy(context), context.CancellationToken) : null;
        return version is { } deleted
            ? (await store.ChangesAsync(tenantId, deleted + 1, 1, context.CancellationToken))[0]
            : throw FieldErrors.NotFound("The unit");
    }

    [Authorize(Policy = EfaPolicies.TenantAdministration)]
    public override async Task<ImportDirectoryResponse> ImportDirectory(ImportDirectoryRequest request, ServerCallContext context)
    {
        var tenantId = context.TenantTheCallerActsFor(request.TenantId, NotYours);
        var errors = new FieldErrors();
        if (request.Format is not ("json" or "csv"))
        {
            errors.Add("format", "must be json or csv");
        }

        if (request.Content.Length is 0 or > DirectoryImport.MaxContentLength)
        {
            errors.Add("content", $"must be the file's text, at most {DirectoryImport.MaxContentLength} characters");
        }

        errors.ThrowIfAny();
        var result = DirectoryImport.Read(request.Format, request.Content, options.Value.AllowLoopbackHttp);
        foreach (var problem in result.Problems)
        {
            errors.Add($"line {problem.Line}: {problem.Field}", problem.Description);
        }

        errors.ThrowIfAny();
        var version = await writer.ReplaceAllAsync(tenantId, result.Units, ChangedBy(context), context.CancellationToken);
        return new ImportDirectoryResponse { Units = result.Units.Count, DirectoryVersion = version };
    }

    [Authorize(Policy = Readers)]
    public override async Task<ListDirectoryChangesResponse> ListDirectoryChanges(ListDirectoryChangesRequest request, ServerCallContext context)
    {
        var tenantId = context.TenantTheCallerActsFor(request.TenantId, NotYours);
        var errors = new FieldErrors();
        var page = Paging.Read(request.PageSize, request.PageToken, $"changes|{tenantId}", errors);
        var before = page.After is null ? long.MaxValue : long.TryParse(page.After, out var position) ? position : 0;
        errors.ThrowIfAny();
        var (changes, next) = Paging.Page(await store.ChangesAsync(tenantId, before, page.Size + 1, context.CancellationToken), page.Size, $"changes|{tenantId}",
            change => change.Version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return new ListDirectoryChangesResponse { Changes = { changes }, NextPageToken = next };
    }

    [Authorize(Policy = Readers)]
    public override async Task<Responsibility> LookupResponsibility(LookupResponsibilityRequest request, ServerCallContext context)
    {
        var tenantId = context.TenantTheCallerActsFor(request.TenantId, NotYours);
        var errors = new FieldErrors();
        if (!UnitRules.IsLeikaKey(request.LeikaKey))
        {
            errors.Add("leika_key", "must be a LeiKa key of 14 digits");
        }

        if (request.Ars.Length > 0 && !UnitRules.IsArs(request.Ars))
        {
            errors.Add("ars", "must be an ARS of 12 digits (Land 01-16), or empty for the municipality's own");
        }

        errors.ThrowIfAny();
        var ars = request.Ars.Length > 0 ? request.Ars : await tenantAreas.ArsOfAsync(tenantId, context.CancellationToken);
        return UnitMapper.ToMessage(await lookup.FindAsync(tenantId, request.LeikaKey, ars, context.CancellationToken));
    }

    private static string ChangedBy(ServerCallContext context) => context.GetHttpContext().User.SubjectId() ?? "unknown";
}
