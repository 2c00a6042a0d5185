using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EfaPlatform.Payment.Payments;
using EfaPlatform.Payment.Settings;

namespace EfaPlatform.Payment.Providers.XBezahldienste;

/// <summary>Configuration section "Payment:XBezahldienste": the municipal payment platform (ePayBL, pmPayment, …).</summary>
public sealed class XBezahldiensteOptions
{
    /// <summary>The platform's API address; without it the provider is not offered.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>How long one call may take before it counts as failed (and is tried again later).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// The XBezahldienste adapter (FITKO, API v1.0.0): a payment transaction per payment, created for the municipality's
/// originator and endpoint with the payment's id as requestId (so a retried creation finds the first one:
/// PAYMENT_EXISTS), and its status read back, since the platform does not push: the status model INITIAL → PAYED |
/// CANCELED | FAILED maps to started → succeeded | cancelled | failed. The return URL says nothing.
/// </summary>
public sealed class XBezahldiensteProvider(HttpClient http) : IPolledPaymentProvider
{
    public const string ProviderName = "xbezahldienste";

    public string Name => ProviderName;

    public async Task<ProviderSession> StartAsync(StoredPayment payment, PaymentSettings settings, string returnUrl, CancellationToken cancellationToken)
    {
        var requestId = payment.Id.ToString("N");
        var grossAmount = decimal.Round(payment.AmountCents / 100m, 2);
        var request = new
        {
            requestId,
            requestTimestamp = payment.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            currency = "EUR",
            grossAmount,
            purpose = Purpose(payment.Kassenzeichen),
            description = payment.Description.Length > 250 ? payment.Description[..250] : payment.Description,
            redirectUrl = returnUrl,
            items = new[] { new { id = "1", reference = payment.Kassenzeichen, description = Purpose(payment.Reference), quantity = 1, grossAmount } },
        };
        using var answer = await SendAsync(() => http.PostAsJsonAsync(TransactionsPath(settings), request, cancellationToken));
        if (answer.StatusCode == HttpStatusCode.Conflict && await ErrorCodeAsync(answer, cancellationToken) == "PAYMENT_EXISTS")
        {
            // Created before, by an attempt whose answer was lost: carry on with that one.
            using var existing = await SendAsync(() => http.GetAsync($"{TransactionsPath(settings)}/{requestId}", cancellationToken));
            return await SessionAsync(existing, requestId, cancellationToken);
        }

        return await SessionAsync(answer, requestId, cancellationToken);
    }

    public async Task<ProviderOutcome?> OutcomeAsync(StoredPayment payment, PaymentSettings settings, CancellationToken cancellationToken)
    {
        using var answer = await SendAsync(() => http.GetAsync($"{TransactionsPath(settings)}/{payment.ProviderReference}", cancellationToken));
        if (answer.StatusCode == HttpStatusCode.NotFound)
        {
            throw new ProviderException($"The payment platform does not know transaction {payment.ProviderReference}.") { TransactionUnknown = true };
        }

        var status = Property(await ReadAsync(answer, cancellationToken), "paymentInformation", "status");
        return status switch
        {
            "INITIAL" => null,
            "PAYED" => ProviderOutcome.Succeeded,
            "CANCELED" => ProviderOutcome.Cancelled,
            "FAILED" => ProviderOutcome.Failed,
            _ => throw new ProviderException($"The payment platform answered the unknown status '{status}'."),
        };
    }

    private static string TransactionsPath(PaymentSettings settings) =>
        $"paymenttransaction/{Uri.EscapeDataString(settings.XBezahldiensteOriginatorId ?? "")}/{Uri.EscapeDataString(settings.XBezahldiensteEndpointId ?? "")}";

    // The standard allows letters, digits, blanks and '-' in at most 27 characters.
    private static string Purpose(string text)
    {
        var allowed = new string(text.Where(c => char.IsLetterOrDigit(c) || c is ' ' or '-').ToArray());
        return allowed.Length > 27 ? allowed[..27] : allowed;
    }

    private static async Task<ProviderSession> SessionAsync(HttpResponseMessage answer, string requestId, CancellationToken cancellationToken)
    {
        var paymentUrl = Property(await ReadAsync(answer, cancellationToken), "paymentUrl");
        return Uri.TryCreate(paymentUrl, UriKind.Absolute, out var page) && page.Scheme is "https" or "http"
            ? new ProviderSession(requestId, page.AbsoluteUri)
            : throw new ProviderException("The payment platform named no payment page.");
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage answer, CancellationToken cancellationToken)
    {
        if (!answer.IsSuccessStatusCode)
        {
            throw new ProviderException($"The payment platform answered {(int)answer.StatusCode} {await ErrorCodeAsync(answer, cancellationToken)}.");
        }

        try
        {
            return await answer.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        }
        catch (Exception exception) when (exception is JsonException or NotSupportedException)
        {
            throw new ProviderException("The payment platform answered something that is not JSON.", exception);
        }
    }

    /// <summary>A string at <paramref name="path"/>, or null when the answer has none there (an answer not shaped as the standard says).</summary>
    private static string? Property(JsonElement element, params string[] path)
    {
        foreach (var name in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
            {
                return null;
            }
        }

        return element.ValueKind == JsonValueKind.String ? element.GetString() : null;
    }

    private static async Task<string> ErrorCodeAsync(HttpResponseMessage answer, CancellationToken cancellationToken)
    {
        try
        {
            var problem = await answer.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            return problem.TryGetProperty("errorCode", out var code) ? code.GetString() ?? "" : problem.TryGetProperty("title", out var title) ? title.GetString() ?? "" : "";
        }
        catch (Exception exception) when (exception is JsonException or NotSupportedException)
        {
            return "";
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(Func<Task<HttpResponseMessage>> send)
    {
        try
        {
            return await send();
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            throw new ProviderException("The payment platform did not answer in time.", exception);
        }
    }
}

