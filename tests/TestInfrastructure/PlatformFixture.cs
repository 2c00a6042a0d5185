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

    /// <summary>TOTP secret of the seeded administrators (admin@heidelberg.example, operator@efa.example).</summary>
    public string SeedTotpSecret => Platform.Secret("identity-seed-totp");

    /// <summary>A client of the gateway; the seeded administrators sign in with it at trust level substantial.</summary>
    public OidcClient Client() => new(GatewayUrl, SeedTotpSecret);
}
