using System.Globalization;
using System.Net.Mail;
using EfaPlatform.Contracts.Forms.V1;
using EfaPlatform.Forms.Definitions;
using EfaPlatform.Forms.Schemas;
using EfaPlatform.ServiceDefaults;
using EfaPlatform.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace EfaPlatform.Forms.Activations;

/// <summary>EfA in practice: a municipality offers a service defined once, with its own fee, languages, contact and dates.</summary>
public sealed class ActivationsService(ActivationStore store, DefinitionStore definitions, TimeProvider clock)
    : Contracts.Forms.V1.ActivationsService.ActivationsServiceBase
{
    public const string DefaultReferencePrefix = "EFA";

    [Authorize(Policy = EfaPolicies.TenantAdministration)]
    public override async Task<Activation> ActivateService(ActivateServiceRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        if (!Guid.TryParse(request.TenantId, out var tenantId))
        {
            errors.Add("tenant_id", "must be a tenant id");
        }

        if (request.HasFeeAmountCents && request.FeeAmountCents is < 0 or > 100_000_000)
        {
            errors.Add("fee_amount_cents", "must be from 0 to 100000000");
        }

        var languages = request.Languages.Count == 0 ? ["de"] : request.Languages.Distinct().ToList();
        if (languages.Any(l => !LocalizedText.Languages.Contains(l)) || !languages.Contains("de"))
        {
            errors.Add("languages", "must be a subset of de, en, fr that includes de");
        }

        if (!MailAddress.TryCreate(request.ContactEmail, out var mail) || mail.Address != request.ContactEmail || request.ContactEmail.Length > 254)
        {
            errors.Add("contact_email", "must be an e-mail address");
        }

        if (request.Note.Length > 1000)
        {
            errors.Add("note", "must have at most 1000 characters");
        }

        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var from = RequestFields.Day(request.ActiveFrom, "active_from", errors) ?? today;
        var until = RequestFields.Day(request.ActiveUntil, "active_until", errors);
        if (until < from)
        {
            errors.Add("active_until", "must not be before active_from");
        }

        var prefix = request.ReferencePrefix.Length == 0 ? DefaultReferencePrefix : request.ReferencePrefix;
        if (prefix.Length is < 2 or > 5 || !prefix.All(char.IsAsciiLetterUpper))
        {
            errors.Add("reference_prefix", "must be 2 to 5 capital letters A-Z");
        }

        errors.ThrowIfAny();
        if (!context.GetHttpContext().User.CanActForTenant(tenantId.ToString()))
        {
            throw FieldErrors.Denied("You may not manage this tenant's services.");
        }

        var published = await definitions.RequireAsync(request.ServiceId, 0, context.CancellationToken);
        var activation = new StoredActivation(tenantId, published.Definition.Id, request.HasFeeAmountCents ? request.FeeAmountCents : null,
            [.. languages], request.ContactEmail, request.Note, from, until, prefix);
        await store.SaveAsync(activation, context.CancellationToken);
        return ToProto(activation, published.Definition, "de");
    }
    [AllowAnonymous]
    public override async Task<ListActivatedServicesResponse> ListActivatedServices(ListActivatedServicesRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        if (!Guid.TryParse(request.TenantId, out var tenantId))
        {
            errors.Add("tenant_id", "must be a tenant id");
        }

        var filter = $"activations|{tenantId}";
        var (pageSize, after) = Paging.Read(request.PageSize, request.PageToken, filter, errors);
        errors.ThrowIfAny();
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var offered = new List<Activation>();
        foreach (var row in (await store.ListActiveAsync(tenantId, today, null, context.CancellationToken))
                     .Where(row => after is null || string.CompareOrdinal(row.ServiceId, after) > 0)
                     .OrderBy(row => row.ServiceId, StringComparer.Ordinal))
        {
            if (offered.Count > pageSize)
            {
                break;
            }

            if (await definitions.GetAsync(row.ServiceId, 0, context.CancellationToken) is { } published)
            {
                offered.Add(ToProto(row, published.Definition, request.Language));
            }
        }

        var (page, next) = Paging.Page(offered, pageSize, filter, activation => activation.ServiceId);
        var response = new ListActivatedServicesResponse { NextPageToken = next };
        response.Services.AddRange(page);
        return response;
    }

    private static Activation ToProto(StoredActivation stored, OnlineServiceDefinition definition, string language)
    {
        var activation = new Activation
        {
            TenantId = stored.TenantId.ToString(),
            ServiceId = definition.Id,
            Title = definition.Title.In(language),
            FeeAmountCents = stored.FeeAmountCents ?? definition.Fee.AmountCents,
            ContactEmail = stored.ContactEmail,
            Note = stored.Note,
            ActiveFrom = stored.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ActiveUntil = stored.Until?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "",
            ReferencePrefix = stored.ReferencePrefix,
        };
        activation.Languages.AddRange(stored.Languages);
        return activation;
    }
}
