using EfaPlatform.Payment.Payments;
using EfaPlatform.Payment.Providers;
using EfaPlatform.Payment.Settings;
using Microsoft.Extensions.Options;

namespace EfaPlatform.Payment.TestProvider;

/// <summary>A session on the test provider's page: one per started payment.</summary>
public sealed record TestSession(Guid Id, Guid TenantId, Guid PaymentId, long AmountCents, string Description, string ReturnUrl, string State)
{
    public const string Open = "open";
    public const string AwaitingConfirmation = "awaiting_confirmation";
    public const string Closed = "closed";
}

/// <summary>
/// The built-in test provider, for development and tests only (Payment:TestProvider:Enabled): a hosted page served by
/// the payment service itself (<see cref="TestProviderEndpoints"/>) that reports back with signed callbacks, like a real
/// provider would. Its sessions (<see cref="TestProviderSessions"/>) live in the payment database.
/// </summary>
public sealed class TestPaymentProvider(TestProviderSessions sessions, IOptions<PaymentOptions> options, IHttpContextAccessor request) : IPaymentProvider
{
    public const string ProviderName = "test";
    public const string PagePath = "/api/payment/v1/test-provider/sessions";

    public string Name => ProviderName;

    public async Task<ProviderSession> StartAsync(StoredPayment payment, PaymentSettings settings, string returnUrl, CancellationToken cancellationToken)
    {
        var sessionId = await sessions.OpenAsync(payment, returnUrl, cancellationToken);
        return new ProviderSession(sessionId.ToString(), $"{PublicBase()}{PagePath}/{sessionId}");
    }

    private string PublicBase()
    {
        if (options.Value.PublicUrl is { Length: > 0 } configured)
        {
            return configured.TrimEnd('/');
        }

        var http = request.HttpContext?.Request ?? throw new InvalidOperationException("The test provider starts payments during a request only.");
        return $"{http.Scheme}://{http.Host}{http.PathBase}";
    }
}
