using EfaPlatform.AppHost.Resources;
using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.Payment.Tests;

/// <summary>The payment service as a process of its own, called directly: its own database, Redis, the Kafka development cluster, tokens from a test issuer.</summary>
public sealed class PaymentServiceFixture : IAsyncLifetime
{
    private readonly InfrastructureFixture _infrastructure = new();
    private ProjectResource? _payment;

    public TestIssuer Issuer { get; private set; } = null!;

    public string HttpUrl => _payment!.HttpUrl;

    public string KafkaBootstrapServers => _infrastructure.KafkaBootstrapServers;

    public async Task InitializeAsync()
    {
        await _infrastructure.InitializeAsync();
        Issuer = await TestIssuer.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        _payment = new ProjectResource("payment", "src/Payment/EfaPlatform.Payment.csproj")
            .WithHttpEndpoint()
            .WithGrpcEndpoint()
            .WithMigrations()
            .WithEnvironment("ConnectionStrings__postgres", await _infrastructure.CreateDatabaseAsync("payment"))
            .WithEnvironment("ConnectionStrings__redis", _infrastructure.RedisConnectionString)
            .WithEnvironment("ConnectionStrings__kafka", _infrastructure.KafkaBootstrapServers)
            .WithEnvironment("Authentication__Authority", Issuer.Issuer)
            .WithEnvironment("Messaging__FetchWaitMax", "00:00:00.020");
        await _payment.StartAsync(timeout.Token);
    }

    public async Task DisposeAsync()
    {
        if (_payment is not null)
        {
            await _payment.StopAsync();
        }

        await Issuer.DisposeAsync();
        await _infrastructure.DisposeAsync();
    }

    public string Staff(string tenant, string role = "caseworker") =>
        Issuer.Issue(TestIssuer.Person($"staff-{Guid.NewGuid():N}", tenant: tenant, role: role));
}

[CollectionDefinition(Name)]
public sealed class PaymentServiceCollection : ICollectionFixture<PaymentServiceFixture>
{
    public const string Name = "payment service";
}
