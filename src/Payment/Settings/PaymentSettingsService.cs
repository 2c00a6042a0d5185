using System.Text.RegularExpressions;
using EfaPlatform.Contracts.Payment.V1;
using EfaPlatform.Payment.Callbacks;
using EfaPlatform.Payment.Providers;
using EfaPlatform.ServiceDefaults;
using EfaPlatform.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using KassenzeichenFormatMessage = EfaPlatform.Contracts.Payment.V1.KassenzeichenFormat;

namespace EfaPlatform.Payment.Settings;

/// <summary>A municipality's payment settings and callback secret: its tenant-admins and platform-admins, signed in with a second factor.</summary>
[Authorize(Policy = EfaPolicies.TenantAdministration)]
public sealed partial class PaymentSettingsService(PaymentSettingsStore store, PaymentProviders providers, CallbackSecrets secrets, TimeProvider clock)
    : Contracts.Payment.V1.PaymentSettingsService.PaymentSettingsServiceBase
{
    private const int MaxReturnOrigins = 20;

    public override async Task<Contracts.Payment.V1.PaymentSettings> GetPaymentSettings(GetPaymentSettingsRequest request, ServerCallContext context)
    {
        var tenantId = TenantOf(request.TenantId, context);
        return ToMessage(tenantId, await store.GetAsync(tenantId, context.CancellationToken), await store.FormatAsync(tenantId, context.CancellationToken));
    }

    public override async Task<Contracts.Payment.V1.PaymentSettings> UpdatePaymentSettings(UpdatePaymentSettingsRequest request, ServerCallContext context)
    {
        var tenantId = TenantOf(request.TenantId, context);
        var errors = new FieldErrors();
        if (providers.Find(request.Provider) is null)
        {
            errors.Add("provider", $"must be one of: {string.Join(", ", providers.Names.Order())}");
        }

        if (request.ReturnOrigins.Count is 0 or > MaxReturnOrigins)
        {
            errors.Add("return_origins", $"must name 1 to {MaxReturnOrigins} origins");
        }

        for (var i = 0; i < Math.Min(request.ReturnOrigins.Count, MaxReturnOrigins); i++)
        {
            if (request.ReturnOrigins[i].Length > 200 || ReturnUrls.OriginProblem(request.ReturnOrigins[i]) is not null)
            {
                errors.Add($"return_origins[{i}]", ReturnUrls.OriginProblem(request.ReturnOrigins[i]) ?? "must have at most 200 characters");
            }
        }

        // Left out, the format stays as it is.
        var format = request.KassenzeichenFormat is null ? await store.FormatAsync(tenantId, context.CancellationToken) : FormatOf(request.KassenzeichenFormat, errors);
        var isXBezahldienste = request.Provider == Providers.XBezahldienste.XBezahldiensteProvider.ProviderName;
        foreach (var (field, value) in new[] { ("xbezahldienste_originator_id", request.XbezahldiensteOriginatorId), ("xbezahldienste_endpoint_id", request.XbezahldiensteEndpointId) })
        {
            if ((isXBezahldienste || value.Length > 0) && !PlatformIdPattern().IsMatch(value))
            {
                errors.Add(field, "must be 1–36 letters, digits, '_' or '-' (XBezahldienste)");
            }
        }

        errors.ThrowIfAny();
        var settings = new PaymentSettings(tenantId, request.Provider, [.. request.ReturnOrigins],
            isXBezahldienste ? request.XbezahldiensteOriginatorId : null, isXBezahldienste ? request.XbezahldiensteEndpointId : null);
        await store.SaveAsync(settings, format, clock.GetUtcNow(), context.CancellationToken);
        return ToMessage(tenantId, settings, format);
    }

    public override async Task<CallbackSecret> RotateCallbackSecret(RotateCallbackSecretRequest request, ServerCallContext context)
    {
        var tenantId = TenantOf(request.TenantId, context);
        var secret = await secrets.RotateAsync(tenantId, context.CancellationToken);
        return new CallbackSecret { Secret = secret, CallbackPath = $"/api/payment/v1/tenants/{tenantId}/callbacks/{{provider}}" };
    }

    private static Kassenzeichen.KassenzeichenFormat FormatOf(KassenzeichenFormatMessage given, FieldErrors errors)
    {
        var format = new Kassenzeichen.KassenzeichenFormat
        {
            Prefix = given.Prefix, IncludeYear = given.IncludeYear, SequenceDigits = given.SequenceDigits, CheckDigit = given.CheckDigit,
        };
        foreach (var (property, problem) in format.Problems())
        {
            errors.Add($"kassenzeichenFormat.{property}", problem);
        }

        return format;
    }

    private static Guid TenantOf(string tenantId, ServerCallContext context) =>
        context.TenantTheCallerActsFor(tenantId, "Payment settings are for the municipality's own administrators.");

    private static Contracts.Payment.V1.PaymentSettings ToMessage(Guid tenantId, PaymentSettings? settings, Kassenzeichen.KassenzeichenFormat format) => new()
    {
        TenantId = tenantId.ToString(),
        Provider = settings?.Provider ?? "",
        ReturnOrigins = { settings?.ReturnOrigins ?? [] },
        KassenzeichenFormat = new KassenzeichenFormatMessage
        {
            Prefix = format.Prefix, IncludeYear = format.IncludeYear, SequenceDigits = format.SequenceDigits, CheckDigit = format.CheckDigit,
        },
        XbezahldiensteOriginatorId = settings?.XBezahldiensteOriginatorId ?? "",
        XbezahldiensteEndpointId = settings?.XBezahldiensteEndpointId ?? "",
    };

    [GeneratedRegex(@"^[\w-]{1,36}$")]
    private static partial Regex PlatformIdPattern();
}
