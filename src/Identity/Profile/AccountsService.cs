using EfaPlatform.ServiceDefaults;
using EfaPlatform.Contracts.Identity.V1;
using EfaPlatform.Identity.Accounts;
using EfaPlatform.Identity.Data;
using EfaPlatform.Identity.Validation;
using EfaPlatform.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace EfaPlatform.Identity.Profile;

public sealed class AccountsService(IdentityDb db, Totp totp) : Contracts.Identity.V1.AccountsService.AccountsServiceBase
{
    [AllowAnonymous]
    public override Task<Contracts.Identity.V1.Profile> RegisterCitizen(RegisterCitizenRequest request, ServerCallContext context) =>
        RegisterAsync(AccountKind.Citizen, EfaClaims.Citizen, request.Email, request.Password, request.DisplayName, context);

    [AllowAnonymous]
    public override Task<Contracts.Identity.V1.Profile> RegisterOrganisation(RegisterOrganisationRequest request, ServerCallContext context) =>
        RegisterAsync(AccountKind.Organisation, EfaClaims.Organisation, request.Email, request.Password, request.DisplayName, context);

    private async Task<Contracts.Identity.V1.Profile> RegisterAsync(
        AccountKind kind, string role, string requestedEmail, string password, string displayName, ServerCallContext context)
    {
        var email = requestedEmail.Trim().ToLowerInvariant();
        var errors = new FieldErrors();
        if (Checks.Email(email) is { } emailProblem)
        {
            errors.Add("email", emailProblem);
        }

        if (PasswordPolicy.Check(password, email) is { } passwordProblem)
        {
            errors.Add("password", passwordProblem);
        }

        errors.Require("display_name", displayName, 200).ThrowIfAny();
        if (await db.Accounts.AnyAsync(a => a.Email == email, context.CancellationToken))
        {
            throw FieldErrors.Conflict("An account with this e-mail address exists already.");
        }

        var account = NewAccount.Create(kind, null, email, displayName, role, password);
        db.Accounts.Add(account);
        await db.SaveChangesAsync(context.CancellationToken);
        return account.ToProfile("");
    }

    [Authorize]
    public override async Task<TotpEnrollment> BeginTotpEnrollment(BeginTotpEnrollmentRequest request, ServerCallContext context)
    {
        var account = await CallerAsync(context);
        var (secret, protectedSecret) = totp.NewSecret();
        account.ProtectedTotpSecret = protectedSecret;
        account.TotpEnabled = false;
        await db.SaveChangesAsync(context.CancellationToken);
        return new TotpEnrollment { Secret = secret, OtpauthUri = Totp.OtpAuthUri(secret, account.Email) };
    }

    [Authorize]
    public override async Task<Contracts.Identity.V1.Profile> ConfirmTotpEnrollment(ConfirmTotpEnrollmentRequest request, ServerCallContext context)
    {
        var account = await CallerAsync(context);
        if (account.ProtectedTotpSecret is null)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, "Start the enrolment first."));
        }

        if (!totp.Verify(account.ProtectedTotpSecret, request.Code))
        {
            new FieldErrors().Add("code", "is not the current code of the enrolled secret").ThrowIfAny();
        }

        account.TotpEnabled = true;
        await db.SaveChangesAsync(context.CancellationToken);
        return account.ToProfile(context.GetHttpContext().User.FindFirst(EfaClaims.TrustLevel)?.Value ?? "");
    }

    private async Task<Data.Account> CallerAsync(ServerCallContext context) =>
        Guid.TryParse(context.GetHttpContext().User.SubjectId(), out var id)
        && await db.Accounts.SingleOrDefaultAsync(a => a.Id == id, context.CancellationToken) is { } account
            ? account
            : throw new RpcException(new Status(StatusCode.PermissionDenied, "Only an account can do this, not a client."));
}
