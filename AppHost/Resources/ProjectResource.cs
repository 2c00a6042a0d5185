using System.Globalization;
using EfaPlatform.AppHost.Hosting;

namespace EfaPlatform.AppHost.Resources;

/// <summary>
/// A service of this repository, run from its build output with the Aspire environment conventions. It is started
/// once its dependencies are healthy; a <see cref="Supervisor"/> watches it through /health and restarts it when it exits.
/// </summary>
public sealed class ProjectResource(string name, string projectPath) : Resource(name)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(3) };
    private readonly List<Action<IDictionary<string, string?>>> _environment = [];
    private int _requestedHttpPort;
    private int? _requestedGrpcPort;
    private int _httpPort;
    private int? _grpcPort;
    private bool _runsMigrations;
    private ChildProcess? _process;

    public override string Type => "project";

    public string ProjectPath => projectPath;

    public string HttpUrl => $"http://127.0.0.1:{_httpPort}";

    public string? GrpcUrl => _grpcPort is { } port ? $"http://127.0.0.1:{port}" : null;

    public override IReadOnlyList<ResourceEndpoint> Endpoints =>
        _httpPort == 0 ? [] : GrpcUrl is null ? [new ResourceEndpoint("http", HttpUrl)] : [new ResourceEndpoint("http", HttpUrl), new ResourceEndpoint("grpc", GrpcUrl)];

    /// <summary>Startup timeout, including the migration step.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(90);

    public ProjectResource WithHttpEndpoint(int port = 0)
    {
        _requestedHttpPort = port;
        return this;
    }

    /// <summary>An HTTP/2-only (h2c) endpoint for gRPC.</summary>
    public ProjectResource WithGrpcEndpoint(int port = 0)
    {
        _requestedGrpcPort = port;
        return this;
    }

    public ProjectResource WithEnvironment(string variable, string? value)
    {
        _environment.Add(environment => environment[variable] = value);
        return this;
    }

    /// <summary>A value known only once the resources it depends on have started (an address, say).</summary>
    public ProjectResource WithEnvironment(string variable, Func<string?> value)
    {
        _environment.Add(environment => environment[variable] = value());
        return this;
    }

    /// <summary>The service's own database becomes ConnectionStrings__postgres.</summary>
    public ProjectResource WithReference(PostgresDatabase database)
    {
        AddDependency(database.Server);
        _environment.Add(environment => environment[$"ConnectionStrings__{database.Server.Name}"] = database.Server.ConnectionStringFor(database.Name));
        return this;
    }

    public ProjectResource WithReference(RedisResource redis)
    {
        AddDependency(redis);
        _environment.Add(environment => environment[$"ConnectionStrings__{redis.Name}"] = redis.ConnectionString);
        return this;
    }

    public ProjectResource WithReference(ClamAvResource clamAv)
    {
        AddDependency(clamAv);
        _environment.Add(environment => environment[$"ConnectionStrings__{clamAv.Name}"] = clamAv.ConnectionString);
        return this;
    }

    public ProjectResource WithReference(KafkaResource kafka)
    {
        AddDependency(kafka);
        kafka.AddPublisher(Name);
        kafka.Restarted += Restart;
        _environment.Add(environment =>
        {
            environment[$"ConnectionStrings__{kafka.Name}"] = kafka.BootstrapServers;
            if (kafka.IsDevelopmentCluster)
            {
                // The development cluster holds every fetch for the full wait; a short wait keeps event latency low.
                environment["Messaging__FetchWaitMax"] = KafkaResource.DevelopmentFetchWaitMax;
            }
        });
        return this;
    }

    /// <summary>Service discovery: services__{name}__http__0 and services__{name}__grpc__0.</summary>
    public ProjectResource WithReference(ProjectResource service)
    {
        AddDependency(service);
        _environment.Add(environment =>
        {
            environment[$"services__{service.Name}__http__0"] = service.HttpUrl;
            if (service.GrpcUrl is { } grpc)
            {
                environment[$"services__{service.Name}__grpc__0"] = grpc;
            }
        });
        return this;
    }

    /// <summary>Runs `&lt;service&gt; migrate` to completion before every start of the service.</summary>
    public ProjectResource WithMigrations()
    {
        _runsMigrations = true;
        return this;
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        SetState(ResourceState.Starting);
        var assembly = ProjectLocator.OutputAssembly(projectPath);
        _httpPort = Ports.Claim(_requestedHttpPort, $"{Name} (http)", $"{Name}:HttpPort");
        if (_requestedGrpcPort is { } grpc)
        {
            _grpcPort = Ports.Claim(grpc, $"{Name} (grpc)", $"{Name}:GrpcPort");
        }

        if (_runsMigrations)
        {
            Log("migrate");
            await Commands.RunAsync(ProjectLocator.DotnetHost, [assembly, "migrate"], Logs, cancellationToken, BuildEnvironment(), Path.GetDirectoryName(assembly));
        }

        Launch(assembly);
        await WaitUntilAsync(IsHealthyAsync, _process, StartTimeout, $"Service '{Name}'", cancellationToken);
        SetState(ResourceState.Running, "healthy");
        Supervise(_process!, _ => Task.FromResult(Launch(assembly)), IsHealthyAsync);
    }

    public override Task StopAsync() => StopSupervisedAsync(_process);

    /// <summary>
    /// Runs one of the service's commands (`sweep`, `replay-dlq`, …) to its end with the service's environment and
    /// <paramref name="overrides"/>; its output goes to the resource's log.
    /// </summary>
    public Task RunCommandAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> overrides, CancellationToken cancellationToken)
    {
        var assembly = ProjectLocator.OutputAssembly(projectPath);
        var environment = BuildEnvironment();
        foreach (var (variable, value) in overrides)
        {
            environment[variable] = value;
        }

        return Commands.RunAsync(ProjectLocator.DotnetHost, [assembly, .. arguments], Logs, cancellationToken, environment, Path.GetDirectoryName(assembly));
    }

    /// <summary>Ends the process so that its supervisor starts it anew, with the environment as it is now (new addresses of a restarted dependency).</summary>
    public void Restart()
    {
        Log("restart: a dependency started anew");
        _process?.Signal(ChildProcess.SigTerm);
    }

    private ChildProcess Launch(string assembly)
    {
        var environment = BuildEnvironment();
        _process = ChildProcess.Start(ProjectLocator.DotnetHost, [assembly], Logs, environment, Path.GetDirectoryName(assembly));
        ProcessId = _process.Id;
        StartedAt = DateTimeOffset.UtcNow;
        return _process;
    }

    private Dictionary<string, string?> BuildEnvironment()
    {
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["OTEL_SERVICE_NAME"] = Name,
            ["ASPNETCORE_URLS"] = null,
            ["Kestrel__Endpoints__http__Url"] = HttpUrl,
            ["Kestrel__Endpoints__http__Protocols"] = "Http1",
            // Everything the AppHost starts talks plain HTTP on loopback.
            ["Authentication__RequireHttpsMetadata"] = "false",
        };
        if (GrpcUrl is { } grpc)
        {
            environment["Kestrel__Endpoints__grpc__Url"] = grpc;
            environment["Kestrel__Endpoints__grpc__Protocols"] = "Http2";
        }

        if (Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT") is { Length: > 0 } otlp)
        {
            environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp;
        }

        foreach (var contribute in _environment)
        {
            contribute(environment);
        }

        return environment;
    }

    private async Task<bool> IsHealthyAsync(CancellationToken cancellationToken)
    {
        using var response = await Http.GetAsync($"{HttpUrl}/health", cancellationToken);
        return response.IsSuccessStatusCode;
    }
}
