using Xunit;

namespace EfaPlatform.TestInfrastructure;

/// <summary>The whole platform, started through the AppHost once for a collection or class of tests; they reach it through the gateway.</summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    public PlatformProcess Platform { get; private set; } = null!;

    public string GatewayUrl { get; private set; } = "";

    public string GatewayGrpcUrl { get; private set; } = "";

    public string SeedPassword => Platform.Secret("identity-seed-password");

    /// <summary>Started payments expire this soon on a test platform (90 minutes in development), so that tests see an abandoned payment end.</summary>
    public static readonly TimeSpan PaymentExpiresAfter = TimeSpan.FromSeconds(30);

    /// <summary>Attempts of a push delivery before routing parks it on a test platform.</summary>
    public const int RoutingMaxAttempts = 4;

    public async Task InitializeAsync()
    {
        Platform = await PlatformProcess.StartAsync(environment: new Dictionary<string, string?>
        {
            ["Payment__ExpiresAfter"] = PaymentExpiresAfter.ToString(), ["Payment__ExpiryScanInterval"] = "00:00:00.500",
            // Routing retries quickly and parks after few attempts, so that tests see both; the push receiver takes faults.
            ["Routing__RetryDelay"] = "00:00:00.300", ["Routing__MaxRetryDelay"] = "00:00:01", ["Routing__MaxAttempts"] = RoutingMaxAttempts.ToString(),
            ["Routing__PushTimeout"] = "00:00:02", ["Routing__AttemptLease"] = "00:00:08", ["Routing__ScanInterval"] = "00:00:00.100",
            ["push-receiver__FaultsEnabled"] = "true",
            // After a kill -9 the dead consumer's partitions wait for its session to time out (45 s by default).
            ["Messaging__Kafka__session.timeout.ms"] = "6000",
        });
        GatewayUrl = await Platform.EndpointAsync("gateway", "http");
        GatewayGrpcUrl = await Platform.EndpointAsync("gateway", "grpc");
    }

    public async Task DisposeAsync() => await Platform.DisposeAsync();

    /// <summary>TOTP secret of the seeded administrators (admin@heidelberg.example, operator@efa.example).</summary>
    public string SeedTotpSecret => Platform.Secret("identity-seed-totp");

    /// <summary>A client of the gateway; the seeded administrators sign in with it at trust level substantial.</summary>
    public OidcClient Client() => new(GatewayUrl, SeedTotpSecret);

    private readonly Dictionary<string, (string Token, DateTimeOffset SignedInAt)> _administratorTokens = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _administratorLock = new(1, 1);

    /// <summary>
    /// An access token of a seeded administrator (password and TOTP), shared by the collection's tests for 10 of its 15
    /// minutes: every sign-in takes a TOTP code of a new 30-second step, so signing in per test makes tests wait.
    /// Tests about signing in itself sign in on their own.
    /// </summary>
    public async Task<string> AdministratorTokenAsync(string email)
    {
        await _administratorLock.WaitAsync();
        try
        {
            if (_administratorTokens.TryGetValue(email, out var known) && DateTimeOffset.UtcNow - known.SignedInAt < TimeSpan.FromMinutes(10))
            {
                return known.Token;
            }

            using var client = Client();
            var (status, body) = await client.SignInAsync(email, SeedPassword);
            var token = status == System.Net.HttpStatusCode.OK ? body.GetProperty("access_token").GetString()! : throw new InvalidOperationException($"{email} could not sign in: {body}");
            _administratorTokens[email] = (token, DateTimeOffset.UtcNow);
            return token;
        }
        finally
        {
            _administratorLock.Release();
        }
    }
}
