using EfaPlatform.AppHost.Hosting;
using EfaPlatform.AppHost.Resources;

namespace EfaPlatform.Gateway.Tests;

/// <summary>
/// The real gateway process, started with the AppHost's project resource, in front of a live probe backend and of a
/// "down" service whose ports nobody listens on.
/// </summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    public const long BodyLimit = 4096;
    private ProjectResource? _gateway;

    public ProbeBackend Backend { get; private set; } = null!;

    public EfaPlatform.TestInfrastructure.TestIssuer Issuer { get; private set; } = null!;

    public string RestUrl => _gateway!.HttpUrl;

    public string GrpcUrl => _gateway!.GrpcUrl!;

    public string Logs => string.Join(Environment.NewLine, _gateway?.Logs.After(0).Select(line => line.Text) ?? []);

    public async Task InitializeAsync()
    {
        Backend = await ProbeBackend.StartAsync();
        Issuer = await EfaPlatform.TestInfrastructure.TestIssuer.StartAsync();
        var closedPort = Ports.FindFree();
        _gateway = new ProjectResource("gateway", "src/Gateway/EfaPlatform.Gateway.csproj")
            .WithHttpEndpoint()
            .WithGrpcEndpoint()
            .WithEnvironment("services__probe__http__0", Backend.HttpUrl)
            .WithEnvironment("services__probe__grpc__0", Backend.GrpcUrl)
            .WithEnvironment("services__down__http__0", $"http://127.0.0.1:{closedPort}")
            .WithEnvironment("services__down__grpc__0", $"http://127.0.0.1:{closedPort}")
            .WithEnvironment("Authentication__Authority", Issuer.Issuer)
            .WithEnvironment("Gateway__MaxRequestBodyBytes", BodyLimit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await _gateway.StartAsync(timeout.Token);
    }

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.StopAsync();
        }

        await Backend.DisposeAsync();
        await Issuer.DisposeAsync();
    }
}
