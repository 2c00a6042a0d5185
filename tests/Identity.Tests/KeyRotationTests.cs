using System.Net;
using EfaPlatform.AppHost.Hosting;
using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.Identity.Tests;

[Collection(PlatformCollection.Name)]
public sealed class KeyRotationTests(PlatformFixture fixture, ITestOutputHelper output) : IDisposable
{
    private readonly OidcClient _client = fixture.Client();

    private async Task<string> ClientTokenAsync() =>
        (await _client.ClientCredentialsAsync("heidelberg-fachverfahren", fixture.Platform.Secret("identity-seed-client"), "efa.identity")).Body.AccessToken();

    [Fact]
    public async Task After_a_key_rotation_new_tokens_use_the_new_key_and_earlier_tokens_still_validate()
    {
        var earlier = await ClientTokenAsync();
        await RotateAndRestartAsync("00:00:00");

        var later = await ClientTokenAsync();
        Assert.NotEqual(Jwt.Header(earlier, "kid"), Jwt.Header(later, "kid"));
        Assert.Equal(HttpStatusCode.OK, (await _client.CallAsync(HttpMethod.Get, "/api/identity/v1/me", earlier)).Status);

        // A key that signs at once (an emergency rotation) reaches the gateway when it next fetches the keys.
        await Eventually.WaitAsync(async () => (await _client.CallAsync(HttpMethod.Get, "/api/identity/v1/me", later)).Status == HttpStatusCode.OK,
            EfaPlatform.ServiceDefaults.Auth.EfaAuthentication.KeyRefreshInterval * 3, "the gateway to accept the new key");

        // A planned rotation publishes the next key a day ahead and keeps signing with the current one.
        var publishedBefore = await PublishedKeyIdsAsync();
        await RotateAndRestartAsync("1.00:00:00");
        var published = await PublishedKeyIdsAsync();
        Assert.Equal(publishedBefore.Count + 1, published.Count);
        Assert.Equal(Jwt.Header(later, "kid"), Jwt.Header(await ClientTokenAsync(), "kid"));
    }

    private async Task<List<string>> PublishedKeyIdsAsync()
    {
        var (_, jwks) = await _client.CallAsync(HttpMethod.Get, "/.well-known/jwks", null);
        return jwks.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!).ToList();
    }

    private async Task RotateAndRestartAsync(string activateAfter)
    {
        var postgresPort = new Uri((await fixture.Platform.EndpointAsync("postgres", "tcp")).Replace("postgresql://", "tcp://")).Port;
        var postgresPassword = (await File.ReadAllTextAsync(Path.Combine(fixture.Platform.DataDirectory, "postgres.password"))).Trim();
        var identityUrl = await fixture.Platform.EndpointAsync("identity", "http");
        var redisPort = new Uri((await fixture.Platform.EndpointAsync("redis", "tcp")).Replace("redis://", "tcp://")).Port;
        var redisPassword = (await File.ReadAllTextAsync(Path.Combine(fixture.Platform.DataDirectory, "redis.password"))).Trim();
        var log = new LogBuffer();
        await using (var rotation = ChildProcess.Start(ProjectLocator.DotnetHost, [ProjectLocator.OutputAssembly("src/Identity/EfaPlatform.Identity.csproj"), "rotate-signing-key", "--activate-after", activateAfter], log,
            new Dictionary<string, string?>
            {
                ["ConnectionStrings__postgres"] = $"Host=127.0.0.1;Port={postgresPort};Username=postgres;Password={postgresPassword};Database=identity",
                ["ConnectionStrings__redis"] = $"127.0.0.1:{redisPort},password={redisPassword}",
                ["Identity__Issuer"] = fixture.GatewayUrl + "/",
                ["Identity__KeySecret"] = fixture.Platform.Secret("identity-key"),
                ["Authentication__Authority"] = identityUrl,
            }))
        {
            var exitCode = await rotation.Exited.WaitAsync(TimeSpan.FromSeconds(60));
            output.WriteLine(string.Join(Environment.NewLine, log.After(0).Select(l => l.Text)));
            Assert.Equal(0, exitCode);
        }

        await fixture.Platform.KillAndAwaitRestartAsync("identity");
    }

    public void Dispose() => _client.Dispose();
}
