using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using EfaPlatform.Payment.Callbacks;
using EfaPlatform.ServiceDefaults;
using EfaPlatform.ServiceDefaults.OpenApi;

namespace EfaPlatform.Payment.TestProvider;

/// <summary>
/// The test provider's hosted page and what it posts (JSON, like every call under /api): a card number, the
/// confirmation step, or cancelling. The session id in the address is the only key to it, as with a real provider.
/// Test cards: 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined, 4000 0000 0000 3220 needs confirming.
/// </summary>
public static class TestProviderEndpoints
{
    public const string SucceedingCard = "4242424242424242";
    public const string DeclinedCard = "4000000000000002";
    public const string ConfirmationCard = "4000000000003220";

    public static void MapTestProviderEndpoints(this WebApplication app)
    {
        var pages = app.MapGroup(TestPaymentProvider.PagePath).AllowAnonymous();
        pages.MapGet("/{sessionId}", PageAsync).WithHttpOperation(Operation("The test provider's payment page", "text/html"));
        pages.MapPost("/{sessionId}:pay", PayAsync).WithHttpOperation(Operation("Pays with a test card: {\"cardNumber\": \"4242 4242 4242 4242\"}", "application/json"));
        pages.MapPost("/{sessionId}:confirm", ConfirmAsync).WithHttpOperation(Operation("Confirms a payment that needs it", "application/json"));
        pages.MapPost("/{sessionId}:cancel", CancelAsync).WithHttpOperation(Operation("Cancels the payment", "application/json"));
    }

    private static HttpOperation Operation(string summary, string mediaType) => new(summary, "Only when the test provider is enabled (development).")
    {
        Answers = [new HttpAnswer(200, summary, mediaType)],
    };

    private static async Task PageAsync(HttpContext context, string sessionId, TestProviderSessions sessions)
    {
        if (await SessionAsync(context, sessionId, sessions) is not { } session)
        {
            return;
        }

        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        context.Response.Headers.ContentSecurityPolicy = $"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(TestProviderPage.Render(session, nonce), context.RequestAborted);
    }

    private static async Task PayAsync(HttpContext context, string sessionId, TestProviderSessions sessions, TestProviderCallbacks callbacks)
    {
        if (await SessionAsync(context, sessionId, sessions) is not { } session)
        {
            return;
        }

        var card = await CardNumberAsync(context);
        if (card is not (SucceedingCard or DeclinedCard or ConfirmationCard))
        {
            await RestRequestGuard.WriteProblemAsync(context, StatusCodes.Status400BadRequest,
                "The card number is not one of the test cards: 4242 4242 4242 4242 (succeeds), 4000 0000 0000 0002 (declined), 4000 0000 0000 3220 (needs confirming).",
                "cardNumber");
            return;
        }

        if (card == ConfirmationCard)
        {
            await (await sessions.MoveAsync(session.Id, TestSession.Open, TestSession.AwaitingConfirmation, context.RequestAborted)
                ? context.Response.WriteAsJsonAsync(new { state = TestSession.AwaitingConfirmation }, context.RequestAborted)
                : ClosedAsync(context));
            return;
        }

        await FinishAsync(context, session, TestSession.Open, card == SucceedingCard ? "succeeded" : "failed", card == SucceedingCard ? "" : "declined", sessions, callbacks);
    }

    private static async Task ConfirmAsync(HttpContext context, string sessionId, TestProviderSessions sessions, TestProviderCallbacks callbacks)
    {
        if (await SessionAsync(context, sessionId, sessions) is { } session)
        {
            await FinishAsync(context, session, TestSession.AwaitingConfirmation, "succeeded", "", sessions, callbacks);
        }
    }

    private static async Task CancelAsync(HttpContext context, string sessionId, TestProviderSessions sessions, TestProviderCallbacks callbacks)
    {
        if (await SessionAsync(context, sessionId, sessions) is { } session)
        {
            await FinishAsync(context, session, session.State, "cancelled", "cancelled", sessions, callbacks);
        }
    }

    /// <summary>Closes the session (a second click finds it closed), then reports to the payment service with a signed callback.</summary>
    private static async Task FinishAsync(HttpContext context, TestSession session, string from, string outcome, string reason,
        TestProviderSessions sessions, TestProviderCallbacks callbacks)
    {
        if (from == TestSession.Closed || !await sessions.MoveAsync(session.Id, from, TestSession.Closed, context.RequestAborted))
        {
            await ClosedAsync(context);
            return;
        }

        try
        {
            await callbacks.SendAsync(session, outcome, reason, context.RequestAborted);
        }
        catch
        {
            await sessions.MoveAsync(session.Id, TestSession.Closed, from, CancellationToken.None);
            throw;
        }

        await context.Response.WriteAsJsonAsync(new { state = outcome, returnUrl = session.ReturnUrl }, context.RequestAborted);
    }

    private static Task ClosedAsync(HttpContext context) =>
        RestRequestGuard.WriteProblemAsync(context, StatusCodes.Status409Conflict, "This payment is finished on the test provider's page; go back to the service.");

    private static async Task<TestSession?> SessionAsync(HttpContext context, string sessionId, TestProviderSessions sessions)
    {
        var session = Guid.TryParse(sessionId, out var id) ? await sessions.FindAsync(id, context.RequestAborted) : null;
        if (session is null)
        {
            await RestRequestGuard.WriteProblemAsync(context, StatusCodes.Status404NotFound, "No such payment session.", "sessionId");
        }

        return session;
    }

    private static async Task<string?> CardNumberAsync(HttpContext context)
    {
        try
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, new JsonDocumentOptions { MaxDepth = 4 }, context.RequestAborted);
            return body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("cardNumber", out var number)
                   && number.ValueKind == JsonValueKind.String && number.GetString() is { Length: <= 40 } text
                ? text.Replace(" ", "", StringComparison.Ordinal)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>The test provider's page: amount, what it is for, the card form, and the confirmation step.</summary>
public static class TestProviderPage
{
    private static readonly string Template = ReadTemplate();

    public static string Render(TestSession session, string nonce) => Template
        .Replace("{{nonce}}", nonce, StringComparison.Ordinal)
        .Replace("{{amount}}", WebUtility.HtmlEncode((session.AmountCents / 100m).ToString("N2", CultureInfo.GetCultureInfo("de-DE")) + " €"), StringComparison.Ordinal)
        .Replace("{{description}}", WebUtility.HtmlEncode(session.Description), StringComparison.Ordinal)
        .Replace("{{sessionPath}}", $"{TestPaymentProvider.PagePath}/{session.Id}", StringComparison.Ordinal)
        .Replace("{{state}}", session.State, StringComparison.Ordinal);

    private static string ReadTemplate()
    {
        using var stream = typeof(TestProviderPage).Assembly.GetManifestResourceStream("EfaPlatform.Payment.TestProvider.TestProviderPage.html")
                           ?? throw new InvalidOperationException("The test provider's page is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
