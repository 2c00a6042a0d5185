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
    SubmissionStore store,
    DefinitionStore definitions,
    ActivationStore activations,
    IAttachmentDirectory attachments,
    DraftStore drafts,
    FormValidator validator,
    IOptions<FormsOptions> options,
    TimeProvider clock,
    ILogger<SubmissionsService> logger)
    : Contracts.Forms.V1.SubmissionsService.SubmissionsServiceBase
{
    private const string Applicants = EfaPolicies.RolePrefix + EfaClaims.Citizen + "," + EfaClaims.Organisation;
    private const string Staff = EfaPolicies.RolePrefix + EfaClaims.Caseworker + "," + EfaClaims.TenantAdmin;
    private const int DefaultPageSize = 20;
    private const int MaxPageSize = 100;

    [Authorize(Policy = Applicants)]
    public override async Task<Submission> SubmitForm(SubmitFormRequest request, ServerCallContext context)
    {
        var user = context.GetHttpContext().User;
        var citizen = user.SubjectId()!;
        var key = context.RequestHeaders.GetValue(IdempotencyInterceptor.MetadataKey);
        var language = request.Language.Length == 0 ? "de" : request.Language;
        var errors = new FieldErrors();
        var answersJson = RequestFields.Answers(request.Answers, options.Value.MaxAnswersBytes, errors);
        if (string.IsNullOrEmpty(key))
        {
            errors.Add("idempotency_key", "is required: send an Idempotency-Key header (REST) or idempotency-key metadata (gRPC), the same on every retry");
        }

        if (!Guid.TryParse(request.TenantId, out var tenantId))
        {
            errors.Add("tenant_id", "must be a tenant id");
        }

        if (!LocalizedText.Languages.Contains(language))
        {
            errors.Add("language", "must be de, en or fr");
        }

        errors.ThrowIfAny();
        // A submission follows the version offered today, whatever version the client's form was built from: an older
        // one may ask for less (a lower trust level, looser rules).
        var definition = (await definitions.RequireAsync(request.ServiceId, 0, context.CancellationToken)).Definition;
        if (request.Version != 0 && request.Version != definition.Version)
        {
            errors.Add("version", $"{request.Version} is not the version offered now: '{definition.Id}' is at version {definition.Version}. "
                + $"Check the answers against version {definition.Version} and submit them with that version (or 0 for the current one).");
            errors.ThrowIfAny();
        }
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var activation = (await activations.ListActiveAsync(tenantId, today, definition.Id, context.CancellationToken)).SingleOrDefault()
            ?? throw new RpcException(new Status(StatusCode.FailedPrecondition, $"This municipality does not offer '{definition.Id}' today."));

        var required = (TrustLevel)(int)definition.MinimumTrustLevel + 1;
        if ((user.TrustLevelOf() ?? TrustLevel.Low) < required)
        {
            throw FieldErrors.Denied(
                $"'{definition.Id}' needs trust level {required.Name()}; you signed in with {(user.TrustLevelOf() ?? TrustLevel.Low).Name()}. Sign in again with the online ID card (eID).");
        }

        using var answers = JsonDocument.Parse(answersJson);
        foreach (var error in validator.Validate(definition.Form, answers.RootElement, ValidationMode.Submission, language))
        {
            errors.Add("answers." + error.Path, error.Message, error.Code);
        }

        errors.ThrowIfAny();
        var references = AttachmentReferences.Collect(definition.Form, answers.RootElement);
        foreach (var foreign in await attachments.FindForeignAsync(citizen, references, context.CancellationToken))
        {
            errors.Add("answers." + foreign.FieldPath, "names no document of yours", "attachmentUnknown");
        }

        errors.ThrowIfAny();
        var (submission, created, sameRequest) = await store.CreateAsync(new NewSubmission(
            tenantId, citizen, definition.Id, definition.Version, definition.LeikaKey, activation.ReferencePrefix, answersJson, references,
            definition.Fee.AmountFor(activation.FeeAmountCents, answers.RootElement), language, key!, IdempotencyKeys.Fingerprint(request)),
            context.CancellationToken);
        if (!sameRequest)
        {
            // Redis no longer had the key (it keeps keys 24 h), but the submission it made is still there.
            errors.Add("idempotency_key", "was already used for another submission of yours; use a new key for a new submission");
            errors.ThrowIfAny();
        }

        if (created)
        {
            LogSubmitted(logger, submission.Reference, submission.Id, definition.Id, tenantId);
            await drafts.DeleteAsync(citizen, definition.Id);
        }

        return submission.ToProto(definition, language);
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
        var errors = new FieldErrors();
        var (size, after) = Paging(request.PageSize, request.PageToken, errors);
        errors.ThrowIfAny();
        return await PageAsync(new SubmissionFilter(CitizenId: context.GetHttpContext().User.SubjectId()), size, after, request.Language, context);
    }

    [Authorize(Policy = Staff)]
    public override async Task<ListSubmissionsResponse> ListTenantSubmissions(ListTenantSubmissionsRequest request, ServerCallContext context)
    {
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
        var (size, after) = Paging(request.PageSize, request.PageToken, errors);
        errors.ThrowIfAny();
        if (!context.GetHttpContext().User.IsMemberOf(tenantId.ToString()))
        {
            throw FieldErrors.Denied("You may read only your own municipality's submissions.");
        }

        var filter = new SubmissionFilter(tenantId, null, NullIfEmpty(request.Status), NullIfEmpty(request.ServiceId),
            from?.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), until?.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
        return await PageAsync(filter, size, after, request.Language, context);
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
                          || ((user.HasRole(EfaClaims.Caseworker) || user.HasRole(EfaClaims.TenantAdmin))
                              && user.IsMemberOf(submission.TenantId.ToString())));
        return visible ? submission! : throw FieldErrors.NotFound("The submission");
    }

    private async Task<ListSubmissionsResponse> PageAsync(SubmissionFilter filter, int size, PageToken? after, string language, ServerCallContext context)
    {
        var found = await store.ListAsync(filter, size + 1, after, context.CancellationToken);
        var response = new ListSubmissionsResponse();
        foreach (var submission in found.Take(size))
        {
            response.Submissions.Add(submission.ToProto(await DefinitionOfAsync(submission, context), language));
        }

        if (found.Count > size)
        {
            var last = found[size - 1];
            response.NextPageToken = new PageToken(last.SubmittedAt, last.Id).ToString();
        }

        return response;
    }

    private async Task<OnlineServiceDefinition> DefinitionOfAsync(StoredSubmission submission, ServerCallContext context) =>
        (await definitions.GetAsync(submission.ServiceId, submission.ServiceVersion, context.CancellationToken))?.Definition
        ?? throw new InvalidOperationException($"Published definition {submission.ServiceId} v{submission.ServiceVersion} is missing.");

    private static (int Size, PageToken? After) Paging(int pageSize, string pageToken, FieldErrors errors)
    {
        if (pageSize is < 0 or > MaxPageSize)
        {
            errors.Add("page_size", $"must be from 1 to {MaxPageSize}");
        }

        if (!PageToken.TryParse(pageToken, out var after))
        {
            errors.Add("page_token", "must be a next_page_token of an earlier page");
        }

        return (pageSize == 0 ? DefaultPageSize : Math.Clamp(pageSize, 1, MaxPageSize), after);
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    // Ids and references only: answers are personal data and never logged.
    [LoggerMessage(Level = LogLevel.Information, Message = "Submission {Reference} ({SubmissionId}) of {ServiceId} received for tenant {TenantId}")]
    private static partial void LogSubmitted(ILogger logger, string reference, Guid submissionId, string serviceId, Guid tenantId);
}
