using System.Text.Json;
using System.Text.RegularExpressions;

namespace EfaPlatform.XBezahldiensteSimulator;

public static partial class SimulatorEndpoints
{
    public static void MapSimulatorEndpoints(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var transactions = context.RequestServices.GetRequiredService<Transactions>();
            if (context.Request.Path.StartsWithSegments("/paymenttransaction") && transactions.Faults.TryDequeue(out var fault))
            {
                if (fault == "lost")
                {
                    // Done, but the answer never arrives.
                    await next(context);
                    context.Abort();
                    return;
                }

                Interlocked.Increment(ref transactions.Requests);
                if (fault == "timeout")
                {
                    await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
                }

                await Problem(500, "UNSPECIFIED", "Injected fault.").ExecuteAsync(context);
                return;
            }

            await next(context);
        });
        app.MapPost("/paymenttransaction/{originatorId}/{endPointId}", CreateAsync);
        app.MapGet("/paymenttransaction/{originatorId}/{endPointId}/{requestId}", Read);
        app.MapGet("/status/{originatorId}/{endPointId}", (string originatorId, string endPointId, Transactions transactions) =>
            transactions.Originators.Contains($"{originatorId}/{endPointId}") ? Results.Ok(new { status = "OK" }) : NoOriginator());
        app.MapGet("/paypage/{transactionId}", (string transactionId, Transactions transactions) =>
            transactions.FindById(transactionId) is { } t ? Results.Content($"<h1>Bezahlseite</h1><p>{t.GrossAmountCents / 100m:0.00} EUR</p>", "text/html") : Results.NotFound());
        // What the citizen does on the platform's page, and faults, set by the tests.
        app.MapPost("/_control/transactions/{transactionId}/{status}", (string transactionId, string status, Transactions transactions) =>
        {
            if (transactions.FindById(transactionId) is not { } transaction || status is not ("PAYED" or "CANCELED" or "FAILED"))
            {
                return Results.NotFound();
            }

            transactions.Set(transaction, status);
            return Results.Ok();
        });
        app.MapDelete("/_control/transactions/{transactionId}", (string transactionId, Transactions transactions) =>
            transactions.Remove(transactionId) ? Results.Ok() : Results.NotFound());
        app.MapPost("/_control/faults/{fault}/{count:int}", (string fault, int count, Transactions transactions) =>
        {
            for (var i = 0; i < count; i++)
            {
                transactions.Faults.Enqueue(fault);
            }

            return Results.Ok();
        });
        app.MapGet("/_control/requests", (Transactions transactions) => Results.Ok(new { requests = transactions.Requests, transactions = transactions.Count, faultsLeft = transactions.Faults.Count }));
    }

    private static async Task<IResult> CreateAsync(HttpContext context, string originatorId, string endPointId, Transactions transactions)
    {
        Interlocked.Increment(ref transactions.Requests);
        if (!transactions.Originators.Contains($"{originatorId}/{endPointId}"))
        {
            return NoOriginator();
        }

        JsonElement body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<JsonElement>(context.Request.Body, cancellationToken: context.RequestAborted);
        }
        catch (JsonException)
        {
            return Problem(400, "VALIDATION_ERROR", "The body is not JSON.");
        }

        var requestId = Text(body, "requestId");
        var purpose = Text(body, "purpose");
        var redirectUrl = Text(body, "redirectUrl");
        if (!IdPattern().IsMatch(requestId) || purpose.Length is 0 or > 27 || redirectUrl.Length is 0 or > 2082 || Text(body, "currency") != "EUR"
            || !body.TryGetProperty("grossAmount", out var gross) || !gross.TryGetDecimal(out var grossAmount)
            || !body.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array || items.GetArrayLength() is 0 or > 99)
        {
            return Problem(400, "VALIDATION_ERROR", "requestId, currency EUR, grossAmount, purpose (≤ 27), redirectUrl and 1–99 items are required.");
        }

        var itemsTotal = items.EnumerateArray().Sum(item => item.TryGetProperty("grossAmount", out var amount) && amount.TryGetDecimal(out var value) ? value : 0);
        if (itemsTotal != grossAmount)
        {
            return Problem(400, "CALCULATION_ERROR", $"The items add up to {itemsTotal}, not {grossAmount}.");
        }

        var transaction = new Transaction(originatorId, endPointId, requestId, Guid.NewGuid().ToString("N"), (long)(grossAmount * 100), purpose, redirectUrl, "INITIAL");
        if (!transactions.TryAdd(transaction))
        {
            return Problem(409, "PAYMENT_EXISTS", $"A payment transaction with requestId {requestId} exists.");
        }

        return Results.Json(Answer(context, transaction), statusCode: 201);
    }

    private static IResult Read(HttpContext context, string originatorId, string endPointId, string requestId, Transactions transactions)
    {
        Interlocked.Increment(ref transactions.Requests);
        return transactions.Find(originatorId, endPointId, requestId) is { } transaction
            ? Results.Json(Answer(context, transaction))
            : Problem(404, "UNSPECIFIED", $"No payment transaction {requestId}.");
    }

    private static object Answer(HttpContext context, Transaction transaction) => new
    {
        requestId = transaction.RequestId,
        paymentInformation = new { transactionId = transaction.TransactionId, status = transaction.Status },
        paymentUrl = $"{context.Request.Scheme}://{context.Request.Host}/paypage/{transaction.TransactionId}",
    };

    private static string Text(JsonElement body, string property) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    private static IResult NoOriginator() => Problem(403, "NO_VALID_ORIGINATOR_OR_ENDPOINT", "Unknown originator or endpoint.");

    private static IResult Problem(int status, string code, string detail) =>
        Results.Json(new { type = $"urn:xbezahldienste:error:{code}", title = code, status, detail, errorCode = code }, statusCode: status,
            contentType: "application/problem+json");

    [GeneratedRegex(@"^[\w-]{1,36}$")]
    private static partial Regex IdPattern();
}
