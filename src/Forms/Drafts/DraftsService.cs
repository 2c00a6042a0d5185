using System.Text.Json;
using EfaPlatform.Contracts.Forms.V1;
using EfaPlatform.Forms.Definitions;
using EfaPlatform.Forms.Schemas;
using EfaPlatform.ServiceDefaults;
using EfaPlatform.ServiceDefaults.Auth;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace EfaPlatform.Forms.Drafts;

/// <summary>A citizen's own drafts (see <see cref="DraftStore"/>); a successful submission removes the service's draft.</summary>
[Authorize(Policy = EfaPolicies.RolePrefix + EfaClaims.Citizen + "," + EfaClaims.Organisation)]
public sealed class DraftsService(DraftStore drafts, DefinitionStore definitions, FormValidator validator, IOptions<FormsOptions> options, TimeProvider clock)
    : Contracts.Forms.V1.DraftsService.DraftsServiceBase
{
    public override async Task<Draft> SaveDraft(SaveDraftRequest request, ServerCallContext context)
    {
        var published = await definitions.RequireAsync(request.ServiceId, request.Version, context.CancellationToken);
        var errors = new FieldErrors();
        var answers = RequestFields.Answers(request.Answers, options.Value.MaxAnswersBytes, errors);
        errors.ThrowIfAny();

        var now = clock.GetUtcNow();
        var stored = new StoredDraft(published.Definition.Version, answers, now);
        await drafts.SaveAsync(Owner(context), ServiceId(request.ServiceId), stored);
        return ToProto(request.ServiceId, stored, published.Definition, request.Language);
    }

    public override async Task<Draft> GetDraft(GetDraftRequest request, ServerCallContext context)
    {
        var stored = await drafts.GetAsync(Owner(context), ServiceId(request.ServiceId));
        if (stored is null)
        {
            throw new RpcException(new Status(StatusCode.NotFound, "You have no draft for this service."));
        }

        var published = await definitions.RequireAsync(request.ServiceId, stored.Version, context.CancellationToken);
        return ToProto(request.ServiceId, stored, published.Definition, request.Language);
    }

    public override async Task<DeleteDraftResponse> DeleteDraft(DeleteDraftRequest request, ServerCallContext context)
    {
        await drafts.DeleteAsync(Owner(context), ServiceId(request.ServiceId));
        return new DeleteDraftResponse();
    }

    private static string Owner(ServerCallContext context) =>
        context.GetHttpContext().User.SubjectId() ?? throw new RpcException(new Status(StatusCode.Unauthenticated, "No subject."));

    private static string ServiceId(string serviceId) =>
        serviceId.Length is > 0 and <= 63 && serviceId.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
            ? serviceId
            : throw new RpcException(new Status(StatusCode.InvalidArgument, "service_id must be a lower-case service name."));

    private Draft ToProto(string serviceId, StoredDraft stored, OnlineServiceDefinition definition, string language)
    {
        using var answers = JsonDocument.Parse(stored.Answers);
        var draft = new Draft
        {
            ServiceId = serviceId,
            Version = stored.Version,
            Answers = JsonParser.Default.Parse<Struct>(stored.Answers),
            SavedAt = Timestamp.FromDateTimeOffset(stored.SavedAt),
            ExpiresAt = Timestamp.FromDateTimeOffset(stored.SavedAt + options.Value.DraftLifetime),
        };
        draft.Errors.AddRange(validator.Validate(definition.Form, answers.RootElement, ValidationMode.Draft, language)
            .Select(e => new AnswerError { Path = e.Path, Code = e.Code, Message = e.Message }));
        return draft;
    }
}
