using Google.Protobuf.WellKnownTypes;
using Proto = EfaPlatform.Contracts.Identity.V1;

namespace EfaPlatform.Identity.Tenants;

internal static class TenantMapper
{
    public static Proto.Tenant ToProto(this Data.Tenant tenant) => new()
    {
        TenantId = tenant.Id.ToString(),
        Slug = tenant.Slug,
        DisplayName = tenant.DisplayName,
        Ars = tenant.Ars,
        ContactEmail = tenant.ContactEmail,
        Active = tenant.Active,
        CreatedAt = Timestamp.FromDateTimeOffset(tenant.CreatedAt),
    };

    public static Proto.StaffMember ToStaffMember(this Data.Account account) => new()
    {
        AccountId = account.Id.ToString(),
        TenantId = account.TenantId?.ToString() ?? "",
        Email = account.Email,
        DisplayName = account.DisplayName,
        Role = account.Roles.FirstOrDefault() ?? "",
    };
}
