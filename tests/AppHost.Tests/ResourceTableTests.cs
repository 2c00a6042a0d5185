using EfaPlatform.AppHost.Hosting;
using EfaPlatform.AppHost.Resources;

namespace EfaPlatform.AppHost.Tests;

public sealed class ResourceTableTests
{
    [Fact]
    public void The_table_lists_every_resource_with_its_state()
    {
        var table = ResourceTable.Render([new ProjectResource("forms", "src/Forms/EfaPlatform.Forms.csproj"), new KafkaResource("kafka", "127.0.0.1:9092")]);
        var lines = table.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(3, lines.Length);
        Assert.StartsWith("RESOURCE", lines[0], StringComparison.Ordinal);
        Assert.Matches(@"^forms\s+project\s+notstarted\s+-$", lines[1]);
        Assert.Matches(@"^kafka\s+kafka \(external\)\s+notstarted\s+-\s+broker-1=kafka://127.0.0.1:9092$", lines[2]);
    }

    [Fact]
    public void Two_resources_cannot_share_a_name()
    {
        var builder = PlatformBuilder.Create([]);
        builder.AddRedis("redis");
        var error = Assert.Throws<InvalidOperationException>(() => builder.AddProject("redis", "src/Gateway/EfaPlatform.Gateway.csproj"));
        Assert.Contains("'redis'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Infrastructure_given_by_connection_string_is_used_instead_of_a_local_server()
    {
        var builder = PlatformBuilder.Create([], [new("ConnectionStrings:kafka", "broker.example:9092"), new("ConnectionStrings:postgres", "Host=db.example;Username=efa")]);
        Assert.Equal("kafka (external)", builder.AddKafka("kafka").Type);
        var postgres = builder.AddPostgres("postgres");
        Assert.True(postgres.IsExternal);
        Assert.Equal("redis", builder.AddRedis("redis").Type);
    }
}
