using EfaPlatform.Contracts.Identity.V1;
using EfaPlatform.Identity.Data;
using EfaPlatform.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace EfaPlatform.Identity.Profile;

[Authorize]
public sealed class ProfileService(IdentityDb db) : Contracts.Identity.V1.ProfileService.ProfileServiceBase
{
    public override async Task<Contracts.Identity.V1.Profile> GetMyProfile(GetMyProfileRequest request, ServerCallContext context)
    {
        var user = context.GetHttpContext().User;
        var acr = user.FindFirst(EfaClaims.TrustLevel)?.Value ?? "";
        if (!Guid.TryParse(user.SubjectId(), out var accountId))
        {
            var client = new Contracts.Identity.V1.Profile { Subject = user.SubjectId() ?? "", Kind = "client", TenantId = user.TenantId() ?? "", Acr = acr };
            client.Roles.AddRange(user.FindAll(EfaClaims.Role).Select(c => c.Value));
            return client;
        }

        var account = await db.Accounts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == accountId, context.CancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, "The account was not found."));
        return account.ToProfile(acr);
    }
}

internal static class ProfileMapper
{
    public static Contracts.Identity.V1.Profile ToProfile(this Data.Account account, string acr)
    {
        var profile = new Contracts.Identity.V1.Profile
        {
            Subject = account.Id.ToString(),
            Kind = account.Kind.ToString().ToLowerInvariant(),
            Email = account.Email,
            DisplayName = account.DisplayName,
            TenantId = account.TenantId?.ToString() ?? "",
            Acr = acr,
            TotpEnabled = account.TotpEnabled,
        };
        profile.Roles.AddRange(account.Roles);
        return profile;
    }
}
