using System.Net;
using EfaPlatform.TestInfrastructure;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;

namespace EfaPlatform.ServiceDefaults.Tests;

[Collection(InfrastructureCollection.Name)]
public sealed class HealthTests(InfrastructureFixture infrastructure)
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private Dictionary<string, string?> Reachable() => new()
    {
        ["ConnectionStrings:postgres"] = infrastructure.Postgres.ConnectionStringFor("postgres"),
        ["ConnectionStrings:redis"] = infrastructure.RedisConnectionString,
        ["ConnectionStrings:kafka"] = infrastructure.KafkaBootstrapServers,
    };

    private static void AddAll(Microsoft.AspNetCore.Builder.WebApplicationBuilder builder)
    {
        builder.AddEfaPostgres();
        builder.AddEfaRedis();
        builder.AddEfaKafka();
    }

    [Fact]
    public async Task Health_is_ready_when_PostgreSQL_Redis_and_Kafka_are_reachable()
    {
        await using var service = await ServiceHost.StartAsync(Reachable(), AddAll);

        using var health = await _http.GetAsync($"{service.HttpUrl}/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());

        using var channel = GrpcChannel.ForAddress(service.GrpcUrl);
        var reply = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(30));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
    }

    [Fact]
    public async Task Health_reports_an_unreachable_database_while_alive_stays_up()
    {
        var configuration = Reachable();
        configuration["ConnectionStrings:postgres"] = $"Host=127.0.0.1;Port={EfaPlatform.AppHost.Hosting.Ports.FindFree()};Username=nobody;Timeout=2";
        await using var service = await ServiceHost.StartAsync(configuration, AddAll);

        using var health = await _http.GetAsync($"{service.HttpUrl}/health");
        using var alive = await _http.GetAsync($"{service.HttpUrl}/alive");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    [Fact]
    public async Task Health_follows_Kafka_going_down_and_coming_back()
    {
        await using var service = await ServiceHost.StartAsync(Reachable(), AddAll);
        await infrastructure.Kafka.SendAsync("all-down");
        try
        {
            await Eventually.WaitAsync(async () => (await _http.GetAsync($"{service.HttpUrl}/health")).StatusCode == HttpStatusCode.ServiceUnavailable,
                TimeSpan.FromSeconds(30), "/health to report Kafka down");
        }
        finally
        {
            await infrastructure.Kafka.SendAsync("all-up");
        }

        await Eventually.WaitAsync(async () => (await _http.GetAsync($"{service.HttpUrl}/health")).IsSuccessStatusCode,
            TimeSpan.FromSeconds(60), "/health to report Kafka back");
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("redis")]
    [InlineData("kafka")]
    public async Task A_missing_connection_string_stops_the_start_and_names_the_key_to_set(string missing)
    {
        var configuration = Reachable();
        configuration.Remove($"ConnectionStrings:{missing}");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ServiceHost.StartAsync(configuration, AddAll));
        Assert.Contains($"ConnectionStrings__{missing}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Service_discovery_resolves_a_service_name_from_the_services_configuration()
    {
        await using var service = await ServiceHost.StartAsync(Reachable(), AddAll,
            (httpPort, configuration) => configuration["services:probe:http:0"] = $"http://127.0.0.1:{httpPort}");
        var client = service.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var response = await client.GetAsync("http://probe/alive");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
