using System.Globalization;
using System.Net.Mail;
using EfaPlatform.Contracts.Forms.V1;
using EfaPlatform.Forms.Definitions;
using EfaPlatform.ServiceDefaults;
using EfaPlatform.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Npgsql;

namespace EfaPlatform.Forms.Activations;

/// <summary>EfA in practice: a municipality offers a service defined once, with its own fee, languages, contact and dates.</summary>
public sealed class ActivationsService(NpgsqlDataSource dataSource, DefinitionStore definitions, TimeProvider clock)
    : Contracts.Forms.V1.ActivationsService.ActivationsServiceBase
{
    private static readonly string[] OfferedLanguages = ["de", "en", "fr"];

    [Authorize(Policy = EfaPolicies.RolePrefix + EfaClaims.TenantAdmin + "," + EfaClaims.PlatformAdmin)]
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
        if (languages.Any(l => !OfferedLanguages.Contains(l)) || !languages.Contains("de"))
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
        var from = ParseDate(request.ActiveFrom, "active_from", errors) ?? today;
        var until = ParseDate(request.ActiveUntil, "active_until", errors);
        if (until < from)
        {
            errors.Add("active_until", "must not be before active_from");
        }

        errors.ThrowIfAny();
        if (!context.GetHttpContext().User.CanActForTenant(tenantId.ToString()))
        {
            throw FieldErrors.Denied("You may not manage this tenant's services.");
        }

        var published = await definitions.GetAsync(request.ServiceId, 0, context.CancellationToken) ?? throw FieldErrors.NotFound($"The online service '{request.ServiceId}'");
        await using var upsert = dataSource.CreateCommand("""
            insert into activations (tenant_id, service_id, fee_amount_cents, languages, contact_email, note, active_from, active_until)
            values ($1, $2, $3, $4, $5, $6, $7, $8)
            on conflict (tenant_id, service_id) do update set fee_amount_cents = excluded.fee_amount_cents, languages = excluded.languages,
                contact_email = excluded.contact_email, note = excluded.note, active_from = excluded.active_from,
                active_until = excluded.active_until, updated_at = now()
            """);
        upsert.Parameters.AddWithValue(tenantId);
        upsert.Parameters.AddWithValue(request.ServiceId);
        upsert.Parameters.AddWithValue(request.HasFeeAmountCents ? request.FeeAmountCents : DBNull.Value);
        upsert.Parameters.AddWithValue(languages.ToArray());
        upsert.Parameters.AddWithValue(request.ContactEmail);
        upsert.Parameters.AddWithValue(request.Note);
        upsert.Parameters.AddWithValue(from);
        upsert.Parameters.AddWithValue(until is { } end ? end : DBNull.Value);
        await upsert.ExecuteNonQueryAsync(context.CancellationToken);
        return ToProto(tenantId, published.Definition, request.HasFeeAmountCents ? request.FeeAmountCents : null, languages, request.ContactEmail, request.Note, from, until, "de");
    }

    [AllowAnonymous]
    public override async Task<ListActivatedServicesResponse> ListActivatedServices(ListActivatedServicesRequest request, ServerCallContext context)
    {
        if (!Guid.TryParse(request.TenantId, out var tenantId))
        {
            new FieldErrors().Add("tenant_id", "must be a tenant id").ThrowIfAny();
        }

        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        await using var select = dataSource.CreateCommand("""
            select service_id, fee_amount_cents, languages, contact_email, note, active_from, active_until from activations
            where tenant_id = $1 and active_from <= $2 and (active_until is null or active_until >= $2) order by service_id
            """);
        select.Parameters.AddWithValue(tenantId);
        select.Parameters.AddWithValue(today);
        var rows = new List<(string Service, long? Fee, string[] Languages, string Contact, string Note, DateOnly From, DateOnly? Until)>();
        await using (var reader = await select.ExecuteReaderAsync(context.CancellationToken))
        {
            while (await reader.ReadAsync(context.CancellationToken))
            {
                rows.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetInt64(1), reader.GetFieldValue<string[]>(2), reader.GetString(3),
                    reader.GetString(4), reader.GetFieldValue<DateOnly>(5), reader.IsDBNull(6) ? null : reader.GetFieldValue<DateOnly>(6)));
            }
        }

        var response = new ListActivatedServicesResponse();
        foreach (var row in rows)
        {
            if (await definitions.GetAsync(row.Service, 0, context.CancellationToken) is { } published)
            {
                response.Services.Add(ToProto(tenantId, published.Definition, row.Fee, row.Languages, row.Contact, row.Note, row.From, row.Until, request.Language));
            }
        }

        return response;
    }

    private static DateOnly? ParseDate(string value, string field, FieldErrors errors)
    {
        if (value.Length == 0)
        {
            return null;
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        errors.Add(field, "must be a date YYYY-MM-DD");
        return null;
    }

    private static Activation ToProto(
        Guid tenantId, OnlineServiceDefinition definition, long? fee, IEnumerable<string> languages, string contact, string note, DateOnly from, DateOnly? until, string language)
    {
        var activation = new Activation
        {
            TenantId = tenantId.ToString(),
            ServiceId = definition.Id,
            Title = definition.Title.In(language),
            FeeAmountCents = fee ?? definition.Fee.AmountCents,
            ContactEmail = contact,
            Note = note,
            ActiveFrom = from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ActiveUntil = until?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "",
        };
        activation.Languages.AddRange(languages);
        return activation;
    }
}
