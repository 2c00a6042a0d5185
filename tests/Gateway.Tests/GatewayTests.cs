using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EfaPlatform.Gateway.Tests.Probe;
using Grpc.Core;
using Google.Protobuf;
using Grpc.Net.Client;

namespace EfaPlatform.Gateway.Tests;

public sealed class GatewayTests(GatewayFixture gateway, ITestOutputHelper output) : IClassFixture<GatewayFixture>, IDisposable
{
    private const string ProblemJson = "application/problem+json";
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task REST_reaches_the_backend_with_correlation_id_and_trace_context()
    {
        var traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{gateway.RestUrl}/api/probe/v1/echo")
        {
            Content = JsonContent.Create(new { text = "Bewohnerparkausweis" }),
        };
        request.Headers.Add("X-Correlation-Id", "citizen-request-42");
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");

        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Bewohnerparkausweis", body.GetProperty("text").GetString());
        Assert.Equal("citizen-request-42", body.GetProperty("correlationId").GetString());
        Assert.Equal(["citizen-request-42"], response.Headers.GetValues("X-Correlation-Id"));
        Assert.Contains(traceId, body.GetProperty("traceparent").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_idempotency_key_with_non_ASCII_bytes_is_refused_with_400_and_a_problem_not_a_502()
    {
        using var careless = new HttpClient(new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => System.Text.Encoding.UTF8 });
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{gateway.RestUrl}/api/probe/v1/echo") { Content = JsonContent.Create(new { text = "x" }) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", "schlüssel-ä");

        using var response = await careless.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("Idempotency-Key", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(problem.GetProperty("errors").TryGetProperty("idempotencyKey", out _), problem.ToString());
    }

    [Fact]
    public async Task A_request_without_a_well_formed_correlation_id_gets_a_new_one()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{gateway.RestUrl}/api/probe/v1/echo") { Content = JsonContent.Create(new { text = "x" }) };
        request.Headers.TryAddWithoutValidation("X-Correlation-Id", "<script>");
        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        var issued = Assert.Single(response.Headers.GetValues("X-Correlation-Id"));
        Assert.Matches("^[0-9a-f]{32}$", issued);
        Assert.Equal(issued, body.GetProperty("correlationId").GetString());
    }

    [Fact]
    public async Task gRPC_reaches_the_backend_over_HTTP2()
    {
        using var channel = GrpcChannel.ForAddress(gateway.GrpcUrl);
        var reply = await new ProbeService.ProbeServiceClient(channel).EchoAsync(
            new EchoRequest { Text = "Anmeldung" }, deadline: DateTime.UtcNow.AddSeconds(30));

        Assert.Equal("Anmeldung", reply.Text);
        Assert.Equal("HTTP/2", reply.Protocol);
        Assert.NotEmpty(reply.CorrelationId);
    }

    [Fact]
    public async Task An_unknown_REST_route_is_a_404_problem()
    {
        using var response = await _http.GetAsync($"{gateway.RestUrl}/api/nobody/v1/things");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Unknown route", problem.GetProperty("title").GetString());
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
    }

    [Theory]
    [InlineData(9_000, 0, HttpStatusCode.RequestUriTooLong)]
    [InlineData(0, 30_000, HttpStatusCode.RequestHeaderFieldsTooLarge)]
    public async Task An_overlong_target_or_header_block_is_refused_with_a_problem_and_never_reaches_the_backend(
        int queryLength, int headerLength, HttpStatusCode expected)
    {
        var before = gateway.Backend.Calls;
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{gateway.RestUrl}/api/probe/v1/echo?q={new string('a', queryLength)}")
        {
            Content = JsonContent.Create(new { text = "x" }),
        };
        if (headerLength > 0)
        {
            request.Headers.Add("X-Padding", new string('b', headerLength));
        }

        using var response = await _http.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)expected, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetInt32());
        Assert.Equal(before, gateway.Backend.Calls);
    }

    [Fact]
    public async Task An_unknown_gRPC_service_is_unimplemented()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => CallAsync("efa.nobody.v1.NobodyService"));
        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    [Fact]
    public async Task A_REST_call_to_a_service_that_is_down_is_a_502_problem()
    {
        using var response = await _http.PostAsync($"{gateway.RestUrl}/api/down/v1/things", JsonContent.Create(new { }));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Backend unreachable", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_gRPC_call_to_a_service_that_is_down_is_unavailable()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => CallAsync("efa.down.v1.DownService"));
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_413_problem_and_never_reaches_the_backend()
    {
        var callsBefore = gateway.Backend.Calls;
        var text = new string('a', (int)GatewayFixture.BodyLimit + 100);
        using var response = await _http.PostAsync($"{gateway.RestUrl}/api/probe/v1/echo", JsonContent.Create(new { text }));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("4096", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(callsBefore, gateway.Backend.Calls);
    }

    [Fact]
    public async Task A_streamed_body_over_the_limit_is_refused_too()
    {
        var callsBefore = gateway.Backend.Calls;
        var json = $"{{\"text\":\"{new string('b', (int)GatewayFixture.BodyLimit * 2)}\"}}";
        using var content = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json)));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{gateway.RestUrl}/api/probe/v1/echo") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(callsBefore, gateway.Backend.Calls);
    }

    [Fact]
    public async Task A_gRPC_message_over_the_limit_is_refused()
    {
        using var channel = GrpcChannel.ForAddress(gateway.GrpcUrl);
        var error = await Assert.ThrowsAsync<RpcException>(() => new ProbeService.ProbeServiceClient(channel).EchoAsync(
            new EchoRequest { Text = new string('c', (int)GatewayFixture.BodyLimit * 2) }, deadline: DateTime.UtcNow.AddSeconds(30)).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    public void Dispose()
    {
        output.WriteLine(gateway.Logs);
        _http.Dispose();
    }

    private async Task CallAsync(string service)
    {
        using var channel = GrpcChannel.ForAddress(gateway.GrpcUrl);
        var method = new Method<EchoRequest, EchoReply>(MethodType.Unary, service, "Echo",
            Marshallers.Create(r => r.ToByteArray(), EchoRequest.Parser.ParseFrom), Marshallers.Create(r => r.ToByteArray(), EchoReply.Parser.ParseFrom));
        await channel.CreateCallInvoker().AsyncUnaryCall(method, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(30)), new EchoRequest { Text = "x" });
    }
}
