using EfaPlatform.ServiceDefaults;
using EfaPlatform.Contracts.Identity.V1;
using EfaPlatform.Identity.Accounts;
using EfaPlatform.Identity.Data;
using EfaPlatform.Identity.Validation;
using EfaPlatform.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace EfaPlatform.Identity.Tenants;

[Authorize(Policy = EfaPolicies.TenantAdministration)]
public sealed class StaffService(IdentityDb db, TimeProvider clock) : Contracts.Identity.V1.StaffService.StaffServiceBase
{
    private static readonly string[] StaffRoles = [EfaClaims.TenantAdmin, EfaClaims.Caseworker];

    public override async Task<StaffMember> CreateStaffMember(CreateStaffMemberRequest request, ServerCallContext context)
    {
        var email = request.Email.Trim().ToLowerInvariant();
        var errors = new FieldErrors();
        if (Checks.Email(email) is { } emailProblem)
        {
            errors.Add("email", emailProblem);
        }

        errors.Require("display_name", request.DisplayName, 200);
        if (!StaffRoles.Contains(request.Role))
        {
            errors.Add("role", $"must be one of: {string.Join(", ", StaffRoles)}");
        }

        if (PasswordPolicy.Check(request.Password, email) is { } passwordProblem)
        {
            errors.Add("password", passwordProblem);
        }

        errors.ThrowIfAny();
        var tenant = await db.AdministeredTenantAsync(context, request.TenantId);
        if (await db.Accounts.AnyAsync(a => a.Email == email, context.CancellationToken))
        {
            throw FieldErrors.Conflict("An account with this e-mail address exists already.");
        }

        var account = NewAccount.Create(AccountKind.Staff, tenant.Id, email, request.DisplayName, request.Role, request.Password, clock.GetUtcNow());
        db.Accounts.Add(account);
        await db.SaveChangesAsync(context.CancellationToken);
        return account.ToStaffMember();
    }

    public override async Task<ListStaffMembersResponse> ListStaffMembers(ListStaffMembersRequest request, ServerCallContext context)
    {
        var tenant = await db.AdministeredTenantAsync(context, request.TenantId);
        var filter = $"staff|{tenant.Id}";
        var errors = new FieldErrors();
        var (pageSize, after) = Paging.Read(request.PageSize, request.PageToken, filter, errors);
        errors.ThrowIfAny();
        var staff = db.Accounts.AsNoTracking().Where(a => a.TenantId == tenant.Id && a.Kind == AccountKind.Staff);
        if (after is not null)
        {
            staff = staff.Where(a => string.Compare(a.Email, after) > 0);
        }

        var (page, next) = Paging.Page(await staff.OrderBy(a => a.Email).Take(pageSize + 1).ToListAsync(context.CancellationToken), pageSize, filter, a => a.Email);
        var response = new ListStaffMembersResponse { NextPageToken = next };
        response.StaffMembers.AddRange(page.Select(a => a.ToStaffMember()));
        return response;
    }
}
