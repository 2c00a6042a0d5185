using System.Text.Json;
using EfaPlatform.Contracts.Forms.V1;
using EfaPlatform.Forms.Schemas;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using EfaPlatform.ServiceDefaults;
using EfaPlatform.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Authorization;

namespace EfaPlatform.Forms.Definitions;

/// <summary>The published catalog and the answer check, public (citizens look at services before they sign in); publishing needs platform-admin.</summary>
public sealed class DefinitionsService(DefinitionStore store, FormValidator validator, Microsoft.Extensions.Options.IOptions<FormsOptions> options)
    : Contracts.Forms.V1.DefinitionsService.DefinitionsServiceBase
{
    private const int MaxManifestCharacters = 1024 * 1024;

    [AllowAnonymous]
    public override async Task<ListServiceDefinitionsResponse> ListServiceDefinitions(ListServiceDefinitionsRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        var (pageSize, after) = Paging.Read(request.PageSize, request.PageToken, "services", errors);
        errors.ThrowIfAny();
        var latest = (await store.ListLatestAsync(context.CancellationToken))
            .Where(published => after is null || string.CompareOrdinal(published.Definition.Id, after) > 0)
            .OrderBy(published => published.Definition.Id, StringComparer.Ordinal)
            .Take(pageSize + 1).ToList();
        var (page, next) = Paging.Page(latest, pageSize, "services", published => published.Definition.Id);
        var response = new ListServiceDefinitionsResponse { NextPageToken = next };
        response.Services.AddRange(page.Select(published => ToProto(published, request.Language)));
        return response;
    }

    [AllowAnonymous]
    public override async Task<ServiceDefinition> GetServiceDefinition(GetServiceDefinitionRequest request, ServerCallContext context) =>
        ToProto(await store.RequireAsync(request.ServiceId, request.Version, context.CancellationToken), request.Language);

    [AllowAnonymous]
    public override async Task<ValidateAnswersResponse> ValidateAnswers(ValidateAnswersRequest request, ServerCallContext context)
    {
        var published = await store.RequireAsync(request.ServiceId, request.Version, context.CancellationToken);
        var tooLarge = new FieldErrors();
        var json = RequestFields.Answers(request.Answers, options.Value.MaxAnswersBytes, tooLarge);
        tooLarge.ThrowIfAny();

        var mode = request.Mode switch
        {
            "" or "submission" => ValidationMode.Submission,
            "draft" => ValidationMode.Draft,
            _ => throw new RpcException(new Status(StatusCode.InvalidArgument, "mode must be 'draft' or 'submission'.")),
        };
        using var answers = JsonDocument.Parse(json);
        var errors = validator.Validate(published.Definition.Form, answers.RootElement, mode, request.Language)
            .Where(e => request.FieldPath == "" || e.Path == request.FieldPath || e.Path.StartsWith(request.FieldPath + ".", StringComparison.Ordinal)
                        || e.Path.StartsWith(request.FieldPath + "[", StringComparison.Ordinal));
        var response = new ValidateAnswersResponse();
        response.Errors.AddRange(errors.Select(e => new AnswerError { Path = e.Path, Code = e.Code, Message = e.Message }));
        response.Valid = response.Errors.Count == 0;
        return response;
    }

    /// <summary>Problems are reported per location, with the manifest's JSON path ("manifest $.form.elements[2].type") as the field.</summary>
    [Authorize(Policy = EfaPolicies.PlatformAdministration)]
    public override async Task<ServiceDefinition> PublishServiceDefinition(PublishServiceDefinitionRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        if (request.Manifest.Length is 0 or > MaxManifestCharacters)
        {
            errors.Add("manifest", $"must be a manifest of 1 to {MaxManifestCharacters} characters");
            errors.ThrowIfAny();
        }

        var (definition, problems) = ManifestReader.Read("manifest", request.Manifest);
        foreach (var problem in problems)
        {
            errors.Add(problem.Location, problem.Message);
        }

        errors.ThrowIfAny();
        try
        {
            await store.PublishAsync(definition!, request.Manifest, context.CancellationToken);
        }
        catch (InvalidOperationException e)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, e.Message));
        }

        return ToProto(await store.RequireAsync(definition!.Id, definition.Version, context.CancellationToken), "de");
    }

    private static ServiceDefinition ToProto(PublishedDefinition published, string language)
    {
        var definition = published.Definition;
        var manifest = JsonParser.Default.Parse<Struct>(JsonSerializer.Serialize(JsonDocument.Parse(published.Manifest, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }).RootElement));
        return new ServiceDefinition
        {
            ServiceId = definition.Id,
            Version = definition.Version,
            LeikaKey = definition.LeikaKey,
            Title = definition.Title.In(language),
            Description = definition.Description.In(language),
            MinimumTrustLevel = definition.MinimumTrustLevel.ToString().ToLowerInvariant(),
            FeeKind = definition.Fee.Kind == Definitions.FeeKind.Fixed ? "fixed" : "perQuantity",
            FeeAmountCents = definition.Fee.AmountCents,
            FeeCurrency = definition.Fee.Currency,
            Manifest = manifest,
            PublishedAt = Timestamp.FromDateTimeOffset(published.PublishedAt),
        };
    }
}
