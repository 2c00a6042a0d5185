using System.Text.Json;
using EfaPlatform.Contracts.Forms.V1;
using EfaPlatform.Forms.Activations;
using EfaPlatform.Forms.Definitions;
using EfaPlatform.Forms.Drafts;
using EfaPlatform.Forms.Schemas;
using EfaPlatform.ServiceDefaults;
using EfaPlatform.ServiceDefaults.Auth;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace EfaPlatform.Forms.Submissions;

/// <summary>
/// Submit, read, list and withdraw. A submission is visible to its citizen and to the caseworkers and tenant-admins of
/// its municipality; to anyone else it does not exist (NOT_FOUND, so that ids reveal nothing).
/// </summary>
public sealed partial class SubmissionsService(
    SubmissionIntake intake,
    SubmissionStore store,
    DefinitionStore definitions,
    DraftStore drafts,
    ILogger<SubmissionsService> logger)
    : Contracts.Forms.V1.SubmissionsService.SubmissionsServiceBase
{
    private const string Applicants = EfaPolicies.RolePrefix + EfaClaims.Citizen + "," + EfaClaims.Organisation;
    private const string Staff = EfaPolicies.RolePrefix + EfaClaims.Caseworker + "," + EfaClaims.TenantAdmin;

    [Authorize(Policy = Applicants)]
    public override async Task<Submission> SubmitForm(SubmitFormRequest request, ServerCallContext context)
    {
        var user = context.GetHttpContext().User;
        var (accepted, definition) = await intake.CheckAsync(request, user, context.RequestHeaders.GetValue(IdempotencyInterceptor.MetadataKey), context.CancellationToken);
        var (submission, created, sameRequest) = await store.CreateAsync(accepted, context.CancellationToken);
        if (!sameRequest)
        {
            // Redis no longer had the key (it keeps keys 24 h), but the submission it made is still there.
            new FieldErrors().Add("idempotency_key", "was already used for another submission of yours; use a new key for a new submission").ThrowIfAny();
        }

        if (created)
        {
            LogSubmitted(logger, submission.Reference, submission.Id, definition.Id, accepted.TenantId);
            await drafts.DeleteAsync(accepted.CitizenId, definition.Id);
        }

        return submission.ToProto(definition, accepted.Language);
    }

    [Authorize]
    public override async Task<Submission> GetSubmission(GetSubmissionRequest request, ServerCallContext context)
    {
        var submission = await FindVisibleAsync(request.SubmissionId, context);
        return submission.ToProto(await DefinitionOfAsync(submission, context), request.Language);
    }

    [Authorize(Policy = Applicants)]
    public override async Task<ListSubmissionsResponse> ListMySubmissions(ListMySubmissionsRequest request, ServerCallContext context)
    {
        var citizen = context.GetHttpContext().User.SubjectId();
        var errors = new FieldErrors();
        var page = Paging.Read(request.PageSize, request.PageToken, $"me|{citizen}", errors);
        var after = Position(page, errors);
        errors.ThrowIfAny();
        return await PageAsync(new SubmissionFilter(CitizenId: citizen), $"me|{citizen}", page.Size, after, request.Language, context);
    }

    [Authorize(Policy = Staff)]
    public override async Task<ListSubmissionsResponse> ListTenantSubmissions(ListTenantSubmissionsRequest request, ServerCallContext context)
    {
        // Who may ask comes before what is asked: a stranger learns nothing from the answer to a malformed request.
        if (!context.GetHttpContext().User.IsMemberOf(request.TenantId))
        {
            throw FieldErrors.Denied("You may read only your own municipality's submissions.");
        }

        var errors = new FieldErrors();
        if (!Guid.TryParse(request.TenantId, out var tenantId))
        {
            errors.Add("tenant_id", "must be a tenant id");
        }

        if (request.Status.Length > 0 && !SubmissionStatus.All.Contains(request.Status))
        {
            errors.Add("status", $"must be one of {string.Join(", ", SubmissionStatus.All)}");
        }

        var from = RequestFields.Day(request.SubmittedFrom, "submitted_from", errors);
        var until = RequestFields.Day(request.SubmittedUntil, "submitted_until", errors);
        var filterKey = $"{tenantId}|{request.Status}|{request.ServiceId}|{from}|{until}";
        var page = Paging.Read(request.PageSize, request.PageToken, filterKey, errors);
        var after = Position(page, errors);
        errors.ThrowIfAny();
        var filter = new SubmissionFilter(tenantId, null, NullIfEmpty(request.Status), NullIfEmpty(request.ServiceId),
            from?.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), until?.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
        return await PageAsync(filter, filterKey, page.Size, after, request.Language, context);
    }

    [Authorize(Policy = Applicants)]
    public override async Task<Submission> WithdrawSubmission(WithdrawSubmissionRequest request, ServerCallContext context)
    {
        var submission = await FindVisibleAsync(request.SubmissionId, context);
        if (submission.CitizenId != context.GetHttpContext().User.SubjectId())
        {
            throw FieldErrors.NotFound("The submission");
        }

        if (!await store.WithdrawAsync(submission.Id, context.CancellationToken))
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition,
                $"Submission {submission.Reference} is {submission.Status.Replace('_', ' ')} and can no longer be withdrawn."));
        }

        var withdrawn = (await store.GetAsync(submission.Id, context.CancellationToken))!;
        return withdrawn.ToProto(await DefinitionOfAsync(withdrawn, context), withdrawn.Language);
    }

    private async Task<StoredSubmission> FindVisibleAsync(string submissionId, ServerCallContext context)
    {
        var user = context.GetHttpContext().User;
        var submission = Guid.TryParse(submissionId, out var id) ? await store.GetAsync(id, context.CancellationToken) : null;
        var visible = submission is not null
                      && (submission.CitizenId == user.SubjectId()
                          // A platform service's own client: routing reads a submission to deliver it to its authority.
                          || user.HasRole(EfaClaims.PlatformService)
                          || ((user.HasRole(EfaClaims.Caseworker) || user.HasRole(EfaClaims.TenantAdmin))
                              && user.IsMemberOf(submission.TenantId.ToString())));
        return visible ? submission! : throw FieldErrors.NotFound("The submission");
    }

    private async Task<ListSubmissionsResponse> PageAsync(
        SubmissionFilter filter, string filterKey, int size, PageToken? after, string language, ServerCallContext context)
    {
        var found = await store.ListAsync(filter, size + 1, after, context.CancellationToken);
        var response = new ListSubmissionsResponse();
        foreach (var submission in found.Take(size))
        {
            response.Submissions.Add(submission.ToProto(await DefinitionOfAsync(submission, context), language));
        }

        var last = found.Count > size ? found[size - 1] : null;
        response.NextPageToken = Paging.NextToken(filterKey, last is null ? null : new PageToken(last.SubmittedAt, last.Id).ToString());
        return response;
    }

    private static PageToken? Position(PageRequest page, FieldErrors errors)
    {
        if (!PageToken.TryParse(page.After, out var after))
        {
            errors.Add("page_token", "must be the next_page_token of an earlier page, sent with the same filters");
        }

        return after;
    }

    private async Task<OnlineServiceDefinition> DefinitionOfAsync(StoredSubmission submission, ServerCallContext context) =>
        (await definitions.GetAsync(submission.ServiceId, submission.ServiceVersion, context.CancellationToken))?.Definition
        ?? throw new InvalidOperationException($"Published definition {submission.ServiceId} v{submission.ServiceVersion} is missing.");

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    // Ids and references only: answers are personal data and never logged.
    [LoggerMessage(Level = LogLevel.Information, Message = "Submission {Reference} ({SubmissionId}) of {ServiceId} received for tenant {TenantId}")]
    private static partial void LogSubmitted(ILogger logger, string reference, Guid submissionId, string serviceId, Guid tenantId);
}
