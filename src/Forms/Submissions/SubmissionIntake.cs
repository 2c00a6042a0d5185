using System.Security.Claims;
using System.Text.Json;
using EfaPlatform.Contracts.Forms.V1;
using EfaPlatform.Forms.Activations;
using EfaPlatform.Forms.Definitions;
using EfaPlatform.Forms.Schemas;
using EfaPlatform.ServiceDefaults;
using EfaPlatform.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace EfaPlatform.Forms.Submissions;

/// <summary>
/// The rules a submission must meet before it is stored: the version offered today (not one the client names), a
/// municipality that offers the service, the trust level it needs, answers that pass the form's checks, attachments
/// that are the citizen's own, scanned and within their field's rules (held for the submission), and the fee the municipality charges. Everything is checked at once where it can be.
/// </summary>
public sealed class SubmissionIntake(
    DefinitionStore definitions,
    ActivationStore activations,
    IAttachmentDirectory attachments,
    FormValidator validator,
    IOptions<FormsOptions> options,
    TimeProvider clock)
{
    public sealed record Accepted(NewSubmission Submission, OnlineServiceDefinition Definition);

    public async Task<Accepted> CheckAsync(SubmitFormRequest request, ClaimsPrincipal user, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var citizen = user.SubjectId()!;
        var language = request.Language.Length == 0 ? "de" : request.Language;
        var errors = new FieldErrors();
        var answersJson = RequestFields.Answers(request.Answers, options.Value.MaxAnswersBytes, errors);
        if (string.IsNullOrEmpty(idempotencyKey))
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
        var definition = await CurrentVersionAsync(request, cancellationToken);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var activation = (await activations.ListActiveAsync(tenantId, today, definition.Id, cancellationToken)).SingleOrDefault()
            ?? throw new RpcException(new Status(StatusCode.FailedPrecondition, $"This municipality does not offer '{definition.Id}' today."));
        var signedIn = user.TrustLevelOf() ?? TrustLevel.Low;
        if (signedIn < definition.MinimumTrustLevel)
        {
            throw FieldErrors.Denied(
                $"'{definition.Id}' needs trust level {definition.MinimumTrustLevel.Name()}; you signed in with {signedIn.Name()}. Sign in again with the online ID card (eID).");
        }

        using var answers = JsonDocument.Parse(answersJson);
        foreach (var error in validator.Validate(definition.Form, answers.RootElement, ValidationMode.Submission, language))
        {
            errors.Add("answers." + error.Path, error.Message, error.Code);
        }

        errors.ThrowIfAny();
        var references = AttachmentReferences.Collect(definition.Form, answers.RootElement);
        foreach (var (reference, maxFiles) in AttachmentReferences.BeyondMaxFiles(references, definition.Attachments))
        {
            errors.Add("answers." + reference.FieldPath, $"is one file too many: this service takes at most {maxFiles} of this kind", "attachmentTooMany");
        }

        errors.ThrowIfAny();
        var submissionId = Guid.CreateVersion7();
        var toHold = references.Select(reference => AttachmentReferences.WithRules(reference, definition.Attachments)).ToList();
        foreach (var fault in await attachments.HoldAsync(submissionId, tenantId, toHold, cancellationToken))
        {
            errors.Add("answers." + fault.FieldPath, fault.Message, fault.Code);
        }

        errors.ThrowIfAny();
        return new Accepted(new NewSubmission(
            submissionId, tenantId, citizen, definition.Id, definition.Version, definition.LeikaKey, activation.ReferencePrefix, answersJson, references,
            definition.Fee.AmountFor(activation.FeeAmountCents, answers.RootElement), language, idempotencyKey!, IdempotencyKeys.Fingerprint(request)),
            definition);
    }

    /// <summary>
    /// A submission follows the version offered today, whatever version the client's form was built from: an older one
    /// may ask for less (a lower trust level, looser rules).
    /// </summary>
    private async Task<OnlineServiceDefinition> CurrentVersionAsync(SubmitFormRequest request, CancellationToken cancellationToken)
    {
        var definition = (await definitions.RequireAsync(request.ServiceId, 0, cancellationToken)).Definition;
        if (request.Version != 0 && request.Version != definition.Version)
        {
            new FieldErrors().Add("version", $"{request.Version} is not the version offered now: '{definition.Id}' is at version {definition.Version}. "
                + $"Check the answers against version {definition.Version} and submit them with that version (or 0 for the current one).").ThrowIfAny();
        }

        return definition;
    }
}
