using EfaPlatform.AppHost.Resources;
using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.Documents.Tests;

/// <summary>The documents service as a process of its own, called directly: its own database and folder, Redis, tokens from a test issuer.</summary>
public sealed class DocumentsServiceFixture : IAsyncLifetime
{
    public const long MaxFileBytes = 256 * 1024 * 1024;
    private readonly InfrastructureFixture _infrastructure = new();
    private readonly string _storage = TestDirectories.Create("documents");
    private ProjectResource? _documents;

    /// <summary>The service's virus scanner: tests stop and start it.</summary>
    public ClamAvResource Scanner { get; private set; } = null!;

    private readonly string _scannerData = TestDirectories.Create("clamav");

    public TestIssuer Issuer { get; private set; } = null!;

    public string HttpUrl => _documents!.HttpUrl;

    public string GrpcUrl => _documents!.GrpcUrl!;

    public string KafkaBootstrapServers => _infrastructure.KafkaBootstrapServers;

    public int ProcessId => _documents!.ProcessId ?? 0;

    public string StoragePath => _storage;

    public string DatabaseConnectionString { get; private set; } = "";

    /// <summary>Runs the `sweep` command once, as an operator would, with nothing too young to be swept.</summary>
    public async Task SweepAsync(TimeSpan unattachedRetention)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await _documents!.RunCommandAsync(["sweep"], new Dictionary<string, string?>
        {
            ["Documents__UnattachedRetention"] = unattachedRetention.ToString(),
            ["Documents__SweepGrace"] = "00:00:00",
        }, timeout.Token);
    }

    /// <summary>Waits until the service (restarted by its supervisor after a crash) answers its health check again.</summary>
    public async Task WaitUntilHealthyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.WaitAsync(async () =>
        {
            try
            {
                using var response = await http.GetAsync($"{HttpUrl}/health");
                return response.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(90), "the documents service is healthy again");
    }

    public async Task InitializeAsync()
    {
        await _infrastructure.InitializeAsync();
        Issuer = await TestIssuer.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        Scanner = new ClamAvResource("clamav", _scannerData, 0, null);
        await Scanner.StartAsync(timeout.Token);
        _documents = new ProjectResource("documents", "src/Documents/EfaPlatform.Documents.csproj")
            .WithHttpEndpoint()
            .WithGrpcEndpoint()
            .WithMigrations()
            .WithEnvironment("ConnectionStrings__postgres", DatabaseConnectionString = await _infrastructure.CreateDatabaseAsync("documents"))
            .WithEnvironment("ConnectionStrings__redis", _infrastructure.RedisConnectionString)
            .WithEnvironment("Authentication__Authority", Issuer.Issuer)
            .WithEnvironment("ConnectionStrings__clamav", Scanner.ConnectionString)
            .WithEnvironment("ConnectionStrings__kafka", _infrastructure.KafkaBootstrapServers)
            .WithEnvironment("Messaging__FetchWaitMax", "00:00:00.020")
            // A test kills the service: its successor gets the partitions once the killed consumer's session ends.
            .WithEnvironment("Messaging__Kafka__session.timeout.ms", "6000")
            .WithEnvironment("Documents__StoragePath", _storage)
            .WithEnvironment("Documents__ScanRetryInterval", "00:00:01")
            .WithEnvironment("Documents__MaxFileBytes", MaxFileBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await _documents.StartAsync(timeout.Token);
    }

    public async Task DisposeAsync()
    {
        if (_documents is not null)
        {
            await _documents.StopAsync();
        }

        await Scanner.StopAsync();
        await Issuer.DisposeAsync();
        await _infrastructure.DisposeAsync();
        TestDirectories.Delete(_storage);
        TestDirectories.Delete(_scannerData);
    }

    public string CitizenToken(string subject) => Issuer.Issue(TestIssuer.Person(subject, role: "citizen"));
}

[CollectionDefinition(Name)]
public sealed class DocumentsServiceCollection : ICollectionFixture<DocumentsServiceFixture>
{
    public const string Name = "documents service";
}
