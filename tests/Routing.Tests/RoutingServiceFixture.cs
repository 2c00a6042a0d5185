using EfaPlatform.AppHost.Resources;
using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.Routing.Tests;

/// <summary>
/// The routing service as a process of its own, called directly: its own database, Redis, the Kafka development
/// cluster and tokens from a test issuer. Without forms, documents and identity: what needs them is tested through the
/// whole platform (RoutingPlatformFixture).
/// </summary>
public sealed class RoutingServiceFixture : IAsyncLifetime
{
    private readonly InfrastructureFixture _infrastructure = new();
    private ProjectResource? _routing;

    public TestIssuer Issuer { get; private set; } = null!;

    public ProjectResource Service => _routing!;

    public string HttpUrl => _routing!.HttpUrl;

    public string KafkaBootstrapServers => _infrastructure.KafkaBootstrapServers;

    /// <summary>Routing's own database, for tests that arrange a delivery's state directly.</summary>
    public string DatabaseConnectionString { get; private set; } = "";

    public string Staff(string tenant, string role) => Issuer.Issue(TestIssuer.Person($"staff-{role}-{tenant}", tenant, role));

    public string Machine(string tenant) => Issuer.Issue(TestIssuer.Machine($"client-{tenant}", tenant, "efa.routing"));

    public string Operator => Issuer.Issue(TestIssuer.Person("operator", role: "platform-admin"));

    public string Citizen => Issuer.Issue(TestIssuer.Person("citizen-1", role: "citizen"));

    public async Task InitializeAsync()
    {
        await _infrastructure.InitializeAsync();
        Issuer = await TestIssuer.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        _routing = new ProjectResource("routing", "src/Routing/EfaPlatform.Routing.csproj")
            .WithHttpEndpoint()
            .WithGrpcEndpoint()
            .WithMigrations()
            .WithEnvironment("ConnectionStrings__postgres", DatabaseConnectionString = await _infrastructure.CreateDatabaseAsync("routing"))
            .WithEnvironment("ConnectionStrings__redis", _infrastructure.RedisConnectionString)
            .WithEnvironment("ConnectionStrings__kafka", _infrastructure.KafkaBootstrapServers)
            .WithEnvironment("Authentication__Authority", Issuer.Issuer)
            .WithEnvironment("Messaging__FetchWaitMax", "00:00:00.020")
            .WithEnvironment("Routing__SecretKey", Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)))
            .WithEnvironment("Routing__AllowLoopbackHttp", "true")
            .WithEnvironment("ServiceClient__ClientId", "routing")
            .WithEnvironment("ServiceClient__ClientSecret", "not-used-without-identity");
        await _routing.StartAsync(timeout.Token);
    }

    public async Task DisposeAsync()
    {
        if (_routing is not null)
        {
            await _routing.StopAsync();
        }

        await Issuer.DisposeAsync();
        await _infrastructure.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class RoutingServiceCollection : ICollectionFixture<RoutingServiceFixture>
{
    public const string Name = "routing service";
}
