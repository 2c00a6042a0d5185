using EfaPlatform.ServiceDefaults;
using EfaPlatform.Contracts.Identity.V1;
using EfaPlatform.Identity.Data;
using EfaPlatform.Identity.Validation;
using EfaPlatform.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace EfaPlatform.Identity.Tenants;

/// <summary>Reading a tenant needs membership; changing tenants is staff administration (<see cref="EfaPolicies.AdministrationTrustLevel"/>).</summary>
[Authorize]
public sealed class TenantsService(IdentityDb db, TimeProvider clock) : Contracts.Identity.V1.TenantsService.TenantsServiceBase
{
    private const string PlatformAdmin = EfaPolicies.PlatformAdministration;

    [Authorize(Policy = PlatformAdmin)]
    public override async Task<Contracts.Identity.V1.Tenant> CreateTenant(CreateTenantRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        if (Checks.Slug(request.Slug) is { } slugProblem)
        {
            errors.Add("slug", slugProblem);
        }

        if (Checks.Ars(request.Ars) is { } arsProblem)
        {
            errors.Add("ars", arsProblem);
        }

        errors.Require("display_name", request.DisplayName, 200);
        if (Checks.Email(request.ContactEmail) is { } emailProblem)
        {
            errors.Add("contact_email", emailProblem);
        }

        errors.ThrowIfAny();
        var taken = await db.Tenants.Where(t => t.Slug == request.Slug || t.Ars == request.Ars)
            .Select(t => new { t.Slug, t.Ars }).ToListAsync(context.CancellationToken);
        if (taken.Count > 0)
        {
            var conflict = new FieldErrors();
            if (taken.Any(t => t.Slug == request.Slug))
            {
                conflict.Add("slug", "is already taken", "alreadyExists");
            }

            if (taken.Any(t => t.Ars == request.Ars))
            {
                conflict.Add("ars", "is already taken", "alreadyExists");
            }

            throw conflict.ToRpcException(StatusCode.AlreadyExists, "A tenant with this slug or ARS exists already.");
        }

        var now = clock.GetUtcNow();
        var tenant = new Data.Tenant
        {
            Id = Guid.CreateVersion7(),
            Slug = request.Slug,
            DisplayName = request.DisplayName.Trim(),
            Ars = request.Ars,
            ContactEmail = request.ContactEmail.Trim(),
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Tenants.Add(tenant);
        await db.SaveChangesAsync(context.CancellationToken);
        return tenant.ToProto();
    }

    public override async Task<Contracts.Identity.V1.Tenant> GetTenant(GetTenantRequest request, ServerCallContext context)
    {
        var user = context.GetHttpContext().User;
        var id = Checks.Id(request.TenantId);
        if (id is null)
        {
            throw FieldErrors.NotFound("The tenant");
        }

        // Platform services (routing) read a tenant's ARS to find who is responsible for its submissions.
        if (!user.CanActForTenant(id.Value.ToString()) && !user.HasRole(EfaClaims.PlatformService))
        {
            throw FieldErrors.Denied("You may not read this tenant.");
        }

        var tenant = await db.Tenants.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, context.CancellationToken);
        return tenant?.ToProto() ?? throw FieldErrors.NotFound("The tenant");
    }

    [Authorize(Policy = PlatformAdmin)]
    public override async Task<ListTenantsResponse> ListTenants(ListTenantsRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        var (pageSize, after) = Paging.Read(request.PageSize, request.PageToken, "tenants", errors);
        errors.ThrowIfAny();
        var tenants = db.Tenants.AsNoTracking();
        if (after is not null)
        {
            tenants = tenants.Where(t => string.Compare(t.Slug, after) > 0);
        }

        var (page, next) = Paging.Page(await tenants.OrderBy(t => t.Slug).Take(pageSize + 1).ToListAsync(context.CancellationToken), pageSize, "tenants", t => t.Slug);
        var response = new ListTenantsResponse { NextPageToken = next };
        response.Tenants.AddRange(page.Select(t => t.ToProto()));
        return response;
    }

    [Authorize(Policy = EfaPolicies.TenantAdministration)]
    public override async Task<Contracts.Identity.V1.Tenant> UpdateTenant(UpdateTenantRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        if (request.DisplayName.Length > 200)
        {
            errors.Add("display_name", "must have at most 200 characters");
        }

        if (request.ContactEmail != "" && Checks.Email(request.ContactEmail) is { } emailProblem)
        {
            errors.Add("contact_email", emailProblem);
        }

        errors.ThrowIfAny();
        var tenant = await db.AdministeredTenantAsync(context, request.TenantId);
        if (!string.IsNullOrWhiteSpace(request.DisplayName))
        {
            tenant.DisplayName = request.DisplayName.Trim();
        }

        if (request.ContactEmail != "")
        {
            tenant.ContactEmail = request.ContactEmail.Trim();
        }

        tenant.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(context.CancellationToken);
        return tenant.ToProto();
    }

    [Authorize(Policy = PlatformAdmin)]
    public override async Task<Contracts.Identity.V1.Tenant> DeactivateTenant(DeactivateTenantRequest request, ServerCallContext context)
    {
        var tenant = await db.AdministeredTenantAsync(context, request.TenantId);
        tenant.Active = false;
        tenant.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(context.CancellationToken);
        return tenant.ToProto();
    }
}
