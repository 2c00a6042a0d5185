using System.Net;
using EfaPlatform.AppHost.Hosting;
using EfaPlatform.Contracts.Identity.V1;
using EfaPlatform.TestInfrastructure;
using Grpc.Core;
using Grpc.Net.Client;

namespace EfaPlatform.Identity.Tests;

[Collection(PlatformCollection.Name)]
public sealed class TokenFlowTests(PlatformFixture fixture, ITestOutputHelper output) : IDisposable
{
    private readonly OidcClient _client = fixture.Client();

    [Fact]
    public async Task A_municipality_system_gets_a_token_with_client_credentials_and_calls_REST_and_gRPC_through_the_gateway()
    {
        var (status, body) = await _client.ClientCredentialsAsync("heidelberg-fachverfahren", fixture.Platform.Secret("identity-seed-client"), "efa.identity");
        Assert.Equal(HttpStatusCode.OK, status);
        var token = body.AccessToken();
        var claims = Jwt.Payload(token);
        Assert.Equal("heidelberg-fachverfahren", claims.GetProperty("sub").GetString());
        Assert.Equal("efa-api", claims.GetProperty("aud").GetString());
        Assert.Equal("efa.identity", claims.GetProperty("scope").GetString());
        Assert.Equal($"{fixture.GatewayUrl}/", claims.GetProperty("iss").GetString());
        Assert.Equal("ES256", Jwt.Header(token, "alg"));

        var (restStatus, profile) = await _client.CallAsync(HttpMethod.Get, "/api/identity/v1/me", token);
        Assert.Equal(HttpStatusCode.OK, restStatus);
        Assert.Equal("client", profile.GetProperty("kind").GetString());
        Assert.Equal(claims.GetProperty("tenant").GetString(), profile.GetProperty("tenantId").GetString());

        using var channel = GrpcChannel.ForAddress(fixture.GatewayGrpcUrl);
        var grpcProfile = await new ProfileService.ProfileServiceClient(channel).GetMyProfileAsync(
            new GetMyProfileRequest(), new Metadata { { "authorization", $"Bearer {token}" } }, DateTime.UtcNow.AddSeconds(30));
        Assert.Equal("heidelberg-fachverfahren", grpcProfile.Subject);
    }

    [Fact]
    public async Task A_client_with_a_wrong_secret_gets_no_token()
    {
        var (secretStatus, secretError) = await _client.ClientCredentialsAsync("heidelberg-fachverfahren", "wrong-secret", "efa.identity");

        Assert.Equal(HttpStatusCode.Unauthorized, secretStatus);
        Assert.Equal("invalid_client", secretError.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_citizen_signs_in_with_authorization_code_and_PKCE_refreshes_and_revokes()
    {
        var (status, tokens) = await _client.SignInAsync("erika@buerger.example", fixture.SeedPassword);
        Assert.Equal(HttpStatusCode.OK, status);
        var claims = Jwt.Payload(tokens.AccessToken());
        Assert.Equal("low", claims.GetProperty("acr").GetString());
        Assert.Equal("citizen", claims.GetProperty("role").GetString());
        Assert.True(tokens.TryGetProperty("id_token", out _));
        var refreshToken = tokens.GetProperty("refresh_token").GetString()!;

        var (refreshStatus, refreshed) = await _client.RefreshAsync(refreshToken);
        Assert.Equal(HttpStatusCode.OK, refreshStatus);
        Assert.Equal(claims.GetProperty("sub").GetString(), Jwt.Payload(refreshed.AccessToken()).GetProperty("sub").GetString());

        var newRefreshToken = refreshed.GetProperty("refresh_token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, await _client.RevokeAsync(newRefreshToken));
        var (revokedStatus, revoked) = await _client.RefreshAsync(newRefreshToken);
        Assert.Equal(HttpStatusCode.BadRequest, revokedStatus);
        Assert.Equal("invalid_grant", revoked.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_token_issued_before_identity_restarts_still_validates_after_it()
    {
        var (_, body) = await _client.ClientCredentialsAsync("heidelberg-fachverfahren", fixture.Platform.Secret("identity-seed-client"), "efa.identity");
        var token = body.AccessToken();
        await fixture.Platform.KillAndAwaitRestartAsync("identity");

        // Straight to the restarted process, which has to know the key it signed with before.
        using var direct = new OidcClient(await fixture.Platform.EndpointAsync("identity", "http"));
        var (status, profile) = await direct.CallAsync(HttpMethod.Get, "/api/identity/v1/me", token);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("heidelberg-fachverfahren", profile.GetProperty("subject").GetString());
        var (newStatus, newToken) = await _client.ClientCredentialsAsync("heidelberg-fachverfahren", fixture.Platform.Secret("identity-seed-client"), "efa.identity");
        Assert.Equal(HttpStatusCode.OK, newStatus);
        Assert.Equal(Jwt.Header(token, "kid"), Jwt.Header(newToken.AccessToken(), "kid"));
    }

    public void Dispose()
    {
        output.WriteLine(fixture.Platform.OutputText);
        _client.Dispose();
    }
}
