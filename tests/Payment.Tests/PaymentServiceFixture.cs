using EfaPlatform.AppHost.Resources;
using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.Payment.Tests;

/// <summary>The payment service as a process of its own, called directly: its own database, Redis, the Kafka development cluster, tokens from a test issuer.</summary>
public sealed class PaymentServiceFixture : IAsyncLifetime
{
    private readonly InfrastructureFixture _infrastructure = new();
    private ProjectResource? _payment;

    /// <summary>Started payments expire this soon here, so that tests see it happen.</summary>
    public static readonly TimeSpan ExpiresAfter = TimeSpan.FromSeconds(20);

    private static readonly string SecretKey = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));

    public TestIssuer Issuer { get; private set; } = null!;

    public ProjectResource Service => _payment!;

    public const string XBezahldiensteOriginator = "fuehrungszeugnis";
    public const string XBezahldiensteEndpoint = "08221000";

    /// <summary>The payment platform the XBezahldienste adapter talks to: a process of its own, on a port that stays the same across its restarts.</summary>
    public ProjectResource Simulator { get; private set; } = null!;

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public string HttpUrl => _payment!.HttpUrl;

    public string KafkaBootstrapServers => _infrastructure.KafkaBootstrapServers;

    public async Task InitializeAsync()
    {
        await _infrastructure.InitializeAsync();
        Issuer = await TestIssuer.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        Simulator = new ProjectResource("xbezahldienste", "tests/XBezahldiensteSimulator/EfaPlatform.XBezahldiensteSimulator.csproj")
            .WithHttpEndpoint(FreePort())
            .WithEnvironment("Simulator__StateFile", Path.Combine(TestDirectories.Create("xbezahldienste"), "transactions.json"))
            .WithEnvironment("Simulator__Originators", $"{XBezahldiensteOriginator}/{XBezahldiensteEndpoint}");
        await Simulator.StartAsync(timeout.Token);
        _payment = new ProjectResource("payment", "src/Payment/EfaPlatform.Payment.csproj")
            .WithHttpEndpoint()
            .WithGrpcEndpoint()
            .WithMigrations()
            .WithEnvironment("ConnectionStrings__postgres", await _infrastructure.CreateDatabaseAsync("payment"))
            .WithEnvironment("ConnectionStrings__redis", _infrastructure.RedisConnectionString)
            .WithEnvironment("ConnectionStrings__kafka", _infrastructure.KafkaBootstrapServers)
            .WithEnvironment("Authentication__Authority", Issuer.Issuer)
            .WithEnvironment("Messaging__FetchWaitMax", "00:00:00.020")
            // After CrashTests' kill -9 the dead consumer's partitions wait for its session to time out (45 s by default).
            .WithEnvironment("Messaging__Kafka__session.timeout.ms", "6000")
            .WithEnvironment("Payment__SecretKey", SecretKey)
            .WithEnvironment("Payment__TestProvider__Enabled", "true")
            .WithEnvironment("Payment__ExpiresAfter", ExpiresAfter.ToString())
            .WithEnvironment("Payment__ExpiryScanInterval", "00:00:00.500")
            .WithEnvironment("Payment__XBezahldienste__BaseUrl", Simulator.HttpUrl)
            .WithEnvironment("Payment__XBezahldienste__Timeout", "00:00:02")
            .WithEnvironment("Payment__PollScanInterval", "00:00:00.200")
            .WithEnvironment("Payment__PollInterval", "00:00:00.200")
            .WithEnvironment("Payment__MaxPollInterval", "00:00:01");
        await _payment.StartAsync(timeout.Token);
    }

    public async Task DisposeAsync()
    {
        if (_payment is not null)
        {
            await _payment.StopAsync();
        }

        await Simulator.StopAsync();
        await Issuer.DisposeAsync();
        await _infrastructure.DisposeAsync();
    }

    public string Staff(string tenant, string role = "caseworker") =>
        Issuer.Issue(TestIssuer.Person($"staff-{Guid.NewGuid():N}", tenant: tenant, role: role));

    /// <summary>A caseworker or tenant-admin signed in with a second factor, as moving money back needs.</summary>
    public string Refunder(string tenant, string role = "caseworker") =>
        Issuer.Issue(TestIssuer.Person($"staff-{Guid.NewGuid():N}", tenant: tenant, role: role, acr: "substantial"));

    public string Machine(string tenant, string scope = "efa.payment") => Issuer.Issue(TestIssuer.Machine($"client-{tenant[..8]}", tenant, scope));

    public string Citizen(string subject) => Issuer.Issue(TestIssuer.Person(subject, role: "citizen"));
}

[CollectionDefinition(Name)]
public sealed class PaymentServiceCollection : ICollectionFixture<PaymentServiceFixture>
{
    public const string Name = "payment service";
}
