using Xunit;

namespace EfaPlatform.TestInfrastructure;

/// <summary>The whole platform, started through the AppHost once for a collection or class of tests; they reach it through the gateway.</summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    public PlatformProcess Platform { get; private set; } = null!;

    public string GatewayUrl { get; private set; } = "";

    public string GatewayGrpcUrl { get; private set; } = "";

    public string SeedPassword => Platform.Secret("identity-seed-password");

    public async Task InitializeAsync()
    {
        Platform = await PlatformProcess.StartAsync();
        GatewayUrl = await Platform.EndpointAsync("gateway", "http");
        GatewayGrpcUrl = await Platform.EndpointAsync("gateway", "grpc");
    }

    public async Task DisposeAsync() => await Platform.DisposeAsync();

    public OidcClient Client() => new(GatewayUrl);
}
