using EfaPlatform.Payment.Payments;
using EfaPlatform.Payment.Settings;

namespace EfaPlatform.Payment.Providers;

/// <summary>
/// A payment provider: opens a transaction for a payment and names the page where the citizen pays. What came of it
/// reaches the service as a signed callback (<see cref="Callbacks.CallbackReceiver"/>) or, for a provider that does not
/// push, by polling (<see cref="IPolledPaymentProvider"/>).
/// </summary>
public interface IPaymentProvider
{
    /// <summary>The name municipalities choose it by ("test", "xbezahldienste").</summary>
    string Name { get; }

    /// <summary>Opens the provider's transaction; the same payment opened again (a retry) gets the same transaction.</summary>
    Task<ProviderSession> StartAsync(StoredPayment payment, PaymentSettings settings, string returnUrl, CancellationToken cancellationToken);
}

/// <param name="Reference">The provider's id of the transaction.</param>
/// <param name="NextUrl">Where the citizen pays.</param>
public sealed record ProviderSession(string Reference, string NextUrl);

/// <summary>What a provider says became of a payment.</summary>
public enum ProviderOutcome
{
    Succeeded,
    Failed,
    Cancelled,
}

/// <summary>A provider that is asked, again and again, until its transaction ends.</summary>
public interface IPolledPaymentProvider : IPaymentProvider
{
    /// <summary>The outcome, or null while the citizen is still on the provider's page.</summary>
    Task<ProviderOutcome?> OutcomeAsync(StoredPayment payment, PaymentSettings settings, CancellationToken cancellationToken);
}

/// <summary>The providers this installation offers, by name.</summary>
public sealed class PaymentProviders(IEnumerable<IPaymentProvider> providers)
{
    private readonly Dictionary<string, IPaymentProvider> _byName = providers.ToDictionary(p => p.Name, StringComparer.Ordinal);

    public IReadOnlyCollection<string> Names => _byName.Keys;

    /// <summary>The providers that are asked rather than calling back.</summary>
    public IEnumerable<IPolledPaymentProvider> Polled => _byName.Values.OfType<IPolledPaymentProvider>();

    public IPaymentProvider? Find(string name) => _byName.GetValueOrDefault(name);
}

/// <summary>A provider failed (unreachable, too slow, an error answer): try again later; to a citizen, 503.</summary>
public sealed class ProviderException(string message, Exception? inner = null)
    : Grpc.Core.RpcException(new Grpc.Core.Status(Grpc.Core.StatusCode.Unavailable, $"{message} Try again in a moment.", inner), message)
{
    /// <summary>The provider answered, and does not know the transaction: no money was taken through it.</summary>
    public bool TransactionUnknown { get; init; }
}
