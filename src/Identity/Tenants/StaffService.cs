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
public sealed class StaffService(IdentityDb db) : Contracts.Identity.V1.StaffService.StaffServiceBase
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

        var account = NewAccount.Create(AccountKind.Staff, tenant.Id, email, request.DisplayName, request.Role, request.Password);
        db.Accounts.Add(account);
        await db.SaveChangesAsync(context.CancellationToken);
        return account.ToStaffMember();
    }

    public override async Task<ListStaffMembersResponse> ListStaffMembers(ListStaffMembersRequest request, ServerCallContext context)
    {
        var tenant = await db.AdministeredTenantAsync(context, request.TenantId);
        var staff = await db.Accounts.AsNoTracking()
            .Where(a => a.TenantId == tenant.Id && a.Kind == AccountKind.Staff)
            .OrderBy(a => a.Email)
            .ToListAsync(context.CancellationToken);
        var response = new ListStaffMembersResponse();
        response.StaffMembers.AddRange(staff.Select(a => a.ToStaffMember()));
        return response;
    }
}
