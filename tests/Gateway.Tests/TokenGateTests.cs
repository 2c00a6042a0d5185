using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using EfaPlatform.Gateway.Tests.Probe;
using EfaPlatform.TestInfrastructure;
using Grpc.Core;
using Grpc.Net.Client;

namespace EfaPlatform.Gateway.Tests;

/// <summary>The gateway refuses a request with a bad bearer token before it reaches any service.</summary>
public sealed class TokenGateTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>, IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task A_valid_token_is_forwarded()
    {
        using var response = await PostEchoAsync(gateway.Issuer.Issue(TestIssuer.Person("citizen-1")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("expired")]
    [InlineData("unknown key")]
    [InlineData("alg none")]
    [InlineData("wrong audience")]
    [InlineData("wrong issuer")]
    [InlineData("tampered")]
    public async Task A_bad_token_is_refused_with_a_401_problem_and_never_forwarded(string defect)
    {
        var callsBefore = gateway.Backend.Calls;
        var person = TestIssuer.Person("citizen-1");
        var token = defect switch
        {
            "expired" => gateway.Issuer.Issue(person, expires: DateTime.UtcNow.AddMinutes(-5)),
            "unknown key" => gateway.Issuer.Issue(person, signingKey: TestIssuer.UnknownKey()),
            "alg none" => TestIssuer.Unsigned(gateway.Issuer.Issue(person)),
            "wrong issuer" => gateway.Issuer.Issue(person, issuer: "http://127.0.0.1:1/somebody-else"),
            "tampered" => TestIssuer.Tampered(gateway.Issuer.Issue(person), "role", "platform-admin"),
            _ => gateway.Issuer.Issue(person, audience: "another-api"),
        };

        using var response = await PostEchoAsync(token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(callsBefore, gateway.Backend.Calls);
    }

    [Fact]
    public async Task A_gRPC_call_with_a_bad_token_is_unauthenticated()
    {
        using var channel = GrpcChannel.ForAddress(gateway.GrpcUrl);
        var headers = new Metadata { { "authorization", "Bearer " + gateway.Issuer.Issue(TestIssuer.Person("x"), signingKey: TestIssuer.UnknownKey()) } };

        var error = await Assert.ThrowsAsync<RpcException>(() => new ProbeService.ProbeServiceClient(channel)
            .EchoAsync(new EchoRequest { Text = "x" }, headers, DateTime.UtcNow.AddSeconds(30)).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    public void Dispose() => _http.Dispose();

    private Task<HttpResponseMessage> PostEchoAsync(string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"{gateway.RestUrl}/api/probe/v1/echo") { Content = JsonContent.Create(new { text = "x" }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return _http.SendAsync(request);
    }
}
