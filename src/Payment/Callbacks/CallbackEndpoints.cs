using EfaPlatform.ServiceDefaults;
using EfaPlatform.ServiceDefaults.OpenApi;

namespace EfaPlatform.Payment.Callbacks;

/// <summary>
/// <c>POST /api/payment/v1/tenants/{tenantId}/callbacks/{provider}</c>: where providers that push report what became of
/// a payment. No token: the signature (<see cref="CallbackSignature"/>) is the authentication, checked over the raw
/// body before anything in it is read.
/// </summary>
public static class CallbackEndpoints
{
    public static void MapCallbackEndpoints(this WebApplication app) =>
        app.MapPost("/api/payment/v1/tenants/{tenantId}/callbacks/{provider}", ReceiveAsync).AllowAnonymous()
            .WithHttpOperation(new HttpOperation("A provider's callback",
                "What became of a payment, signed with the municipality's callback secret (header Efa-Signature: t=<unix seconds>,v1=<HMAC-SHA256 over \"t.body\">). "
                + "Taken once per eventId; a callback that cannot change the payment is recorded and ignored.")
            {
                Parameters = [new HttpParameter(CallbackSignature.Header, "header", "t=<unix seconds>,v1=<hex HMAC-SHA256>", Required: true)],
                BodyMediaTypes = ["application/json"],
                Answers = [new HttpAnswer(200, "Taken in: the outcome says whether it changed the payment", "application/json")],
            });

    private static async Task ReceiveAsync(HttpContext context, string tenantId, string provider, CallbackReceiver receiver)
    {
        if (!Guid.TryParse(tenantId, out var tenant))
        {
            await RestRequestGuard.WriteProblemAsync(context, StatusCodes.Status404NotFound, "No such municipality.", "tenantId");
            return;
        }

        if (context.Request.ContentLength > CallbackReceiver.MaxBodyBytes)
        {
            await RestRequestGuard.WriteProblemAsync(context, StatusCodes.Status413PayloadTooLarge,
                $"A callback has at most {CallbackReceiver.MaxBodyBytes} bytes.", "body");
            return;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > CallbackReceiver.MaxBodyBytes)
            {
                await RestRequestGuard.WriteProblemAsync(context, StatusCodes.Status413PayloadTooLarge,
                    $"A callback has at most {CallbackReceiver.MaxBodyBytes} bytes.", "body");
                return;
            }
        }

        var answer = await receiver.ReceiveAsync(tenant, provider, context.Request.Headers[CallbackSignature.Header].ToString(), buffer.ToArray(), context.RequestAborted);
        if (answer.Status != StatusCodes.Status200OK)
        {
            await RestRequestGuard.WriteProblemAsync(context, answer.Status, answer.Outcome, answer.Field);
            return;
        }

        await context.Response.WriteAsJsonAsync(new { outcome = answer.Outcome }, context.RequestAborted);
    }
}
