using EfaPlatform.AppHost.Resources;
using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.Forms.Tests;

/// <summary>
/// The forms service as a process of its own, called directly: its own database, Redis and the Kafka development
/// cluster, tokens from a test issuer, drafts that expire after a few seconds.
/// </summary>
public sealed class FormsServiceFixture : IAsyncLifetime
{
    public static readonly TimeSpan DraftLifetime = TimeSpan.FromSeconds(3);
    private readonly InfrastructureFixture _infrastructure = new();
    private ProjectResource? _forms;

    public TestIssuer Issuer { get; private set; } = null!;

    public string HttpUrl => _forms!.HttpUrl;

    public string DatabaseConnectionString { get; private set; } = "";

    public string KafkaBootstrapServers => _infrastructure.KafkaBootstrapServers;

    /// <summary>The PostgreSQL, Redis and Kafka of this forms process, for tests that stop and start them.</summary>
    public InfrastructureFixture Infrastructure => _infrastructure;

    public string RedisConnectionString => _infrastructure.RedisConnectionString;

    public async Task InitializeAsync()
    {
        await _infrastructure.InitializeAsync();
        Issuer = await TestIssuer.StartAsync();
        DatabaseConnectionString = await _infrastructure.CreateDatabaseAsync("forms");
        _forms = new ProjectResource("forms", "src/Forms/EfaPlatform.Forms.csproj")
            .WithHttpEndpoint()
            .WithGrpcEndpoint()
            .WithMigrations()
            .WithEnvironment("ConnectionStrings__postgres", DatabaseConnectionString)
            .WithEnvironment("ConnectionStrings__redis", _infrastructure.RedisConnectionString)
            .WithEnvironment("ConnectionStrings__kafka", _infrastructure.KafkaBootstrapServers)
            .WithEnvironment("Messaging__FetchWaitMax", "00:00:00.020")
            .WithEnvironment("Authentication__Authority", Issuer.Issuer)
            .WithEnvironment("Forms__DraftLifetime", DraftLifetime.ToString());
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await _forms.StartAsync(timeout.Token);
    }

    public async Task DisposeAsync()
    {
        if (_forms is not null)
        {
            await _forms.StopAsync();
        }

        await Issuer.DisposeAsync();
        await _infrastructure.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class FormsServiceCollection : ICollectionFixture<FormsServiceFixture>
{
    public const string Name = "forms service";
}
