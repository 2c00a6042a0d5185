using System.Globalization;
using System.Security.Claims;
using EfaPlatform.ServiceDefaults;
using EfaPlatform.Contracts.Identity.V1;
using EfaPlatform.Identity.Accounts;
using EfaPlatform.Identity.Connect;
using EfaPlatform.Identity.Data;
using EfaPlatform.Identity.Validation;
using EfaPlatform.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenIddict.Abstractions;

namespace EfaPlatform.Identity.Profile;

/// <summary>
/// Accounts people open themselves, and their second factor.
/// <para>
/// Registration answers the same whether or not the address already has an account (citizen, organisation or staff):
/// 200 with the profile as asked for, without a subject (the account id comes with the first sign-in's token). For a
/// taken address nothing is created or changed and its owner keeps their password, so the answer tells nobody who has an
/// account here; the hash is computed either way, so neither does the time it takes.
/// </para>
/// <para>
/// Setting up or changing the second factor needs a recent sign-in (<see cref="IdentityServiceOptions.SecondFactorChangeWindow"/>)
/// at the account's current trust level: password for an account without TOTP, password and code (or eID) once TOTP is on.
/// A token refreshed from an older sign-in keeps that sign-in's time, so a stolen refresh token cannot do it. Starting an
/// enrolment changes nothing until a code of the new secret confirms it; the confirmation revokes every refresh token and
/// authorization of the account, so sessions from before need the new factor to continue.
/// </para>
/// </summary>
public sealed partial class AccountsService(
    IdentityDb db,
    Totp totp,
    RegistrationLimiter registrations,
    IOpenIddictTokenManager tokens,
    IOpenIddictAuthorizationManager authorizations,
    IOptions<IdentityServiceOptions> options,
    TimeProvider clock,
    ILogger<AccountsService> logger) : Contracts.Identity.V1.AccountsService.AccountsServiceBase
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
        registrations.Acquire(context, email);

        var account = NewAccount.Create(kind, null, email, displayName, role, password, clock.GetUtcNow());
        var existing = await db.Accounts.Where(a => a.Email == email).Select(a => (Guid?)a.Id).SingleOrDefaultAsync(context.CancellationToken);
        if (existing is { } existingId)
        {
            LogRegistrationForTakenAddress(logger, existingId);
        }
        else
        {
            db.Accounts.Add(account);
            try
            {
                await db.SaveChangesAsync(context.CancellationToken);
            }
            catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
            {
                // Registered by a parallel request a moment ago: the same answer as for any taken address.
            }
        }

        return new Contracts.Identity.V1.Profile
        {
            Kind = account.Kind.ToString().ToLowerInvariant(),
            Email = account.Email,
            DisplayName = account.DisplayName,
            Roles = { account.Roles },
        };
    }

    [Authorize]
    public override async Task<TotpEnrollment> BeginTotpEnrollment(BeginTotpEnrollmentRequest request, ServerCallContext context)
    {
        var account = await CallerAsync(context);
        RequireRecentSignIn(context.GetHttpContext().User, account);
        var secret = await totp.BeginEnrollmentAsync(account.Id);
        return new TotpEnrollment { Secret = secret, OtpauthUri = Totp.OtpAuthUri(secret, account.Email) };
    }

    [Authorize]
    public override async Task<Contracts.Identity.V1.Profile> ConfirmTotpEnrollment(ConfirmTotpEnrollmentRequest request, ServerCallContext context)
    {
        var user = context.GetHttpContext().User;
        var account = await CallerAsync(context);
        RequireRecentSignIn(user, account);
        var pending = await totp.PendingEnrollmentAsync(account.Id)
            ?? throw new RpcException(new Status(StatusCode.FailedPrecondition, "Start the enrolment first."));
        if (!totp.Verify(pending, request.Code))
        {
            new FieldErrors().Add("code", "is not the current code of the enrolled secret").ThrowIfAny();
        }

        account.ProtectedTotpSecret = pending;
        account.TotpEnabled = true;
        await db.SaveChangesAsync(context.CancellationToken);
        await totp.EndEnrollmentAsync(account.Id);

        var subject = account.Id.ToString();
        var revokedTokens = await tokens.RevokeBySubjectAsync(subject, context.CancellationToken);
        var revokedAuthorizations = await authorizations.RevokeBySubjectAsync(subject, context.CancellationToken);
        LogSecondFactorSet(logger, account.Id, revokedTokens, revokedAuthorizations);
        return account.ToProfile(user.FindFirst(EfaClaims.TrustLevel)?.Value ?? "");
    }

    private void RequireRecentSignIn(ClaimsPrincipal user, Data.Account account)
    {
        var required = account.TotpEnabled ? TrustLevel.Substantial : TrustLevel.Low;
        var window = options.Value.SecondFactorChangeWindow;
        if (user.TrustLevelOf() is not { } level || level < required
            || ConnectEndpoints.SignInTime(user) is not { } signedInAt || clock.GetUtcNow() - signedInAt > window)
        {
            throw FieldErrors.Denied(
                $"Changing the second factor needs a sign-in of the last {window.TotalMinutes.ToString(CultureInfo.InvariantCulture)} minutes " +
                $"at trust level {required.Name()} or higher: sign in again.");
        }
    }

    private async Task<Data.Account> CallerAsync(ServerCallContext context) =>
        Guid.TryParse(context.GetHttpContext().User.SubjectId(), out var id)
        && await db.Accounts.SingleOrDefaultAsync(a => a.Id == id, context.CancellationToken) is { } account
            ? account
            : throw new RpcException(new Status(StatusCode.PermissionDenied, "Only an account can do this, not a client."));

    [LoggerMessage(Level = LogLevel.Information, Message = "Registration for the address of account {AccountId}: nothing changed")]
    private static partial void LogRegistrationForTakenAddress(ILogger logger, Guid accountId);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Account {AccountId} set up a new second factor; {RevokedTokens} tokens and {RevokedAuthorizations} authorizations revoked")]
    private static partial void LogSecondFactorSet(ILogger logger, Guid accountId, long revokedTokens, long revokedAuthorizations);
}
