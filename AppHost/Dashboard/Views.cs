using System.Text.Json.Serialization;
using EfaPlatform.AppHost.Hosting;

namespace EfaPlatform.AppHost.Dashboard;

public sealed record ResourceView(
    string Name, string Type, string State, string Health, IReadOnlyList<ResourceEndpoint> Endpoints, int? ProcessId,
    int RestartCount, DateTimeOffset? StartedAt)
{
    public static ResourceView From(Resource resource) => new(
        resource.Name, resource.Type, resource.State.ToString().ToLowerInvariant(), resource.Health, resource.Endpoints,
        resource.ProcessId, resource.RestartCount, resource.StartedAt);
}

public sealed record LogLineView(long Sequence, DateTimeOffset Time, string Stream, string Text)
{
    public static LogLineView From(LogLine line) => new(line.Sequence, line.Time, line.Stream, line.Text);
}

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(List<ResourceView>))]
[JsonSerializable(typeof(List<LogLineView>))]
[JsonSerializable(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails))]
internal sealed partial class DashboardJson : JsonSerializerContext;
