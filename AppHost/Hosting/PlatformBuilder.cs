using EfaPlatform.AppHost.Resources;
using Microsoft.Extensions.Configuration;

namespace EfaPlatform.AppHost.Hosting;

/// <summary>
/// Declares the platform's resources, the way an Aspire AppHost's DistributedApplication builder does.
/// Configuration comes from AppHost/appsettings.json, environment variables and the command line (--Key=value).
/// </summary>
public sealed class PlatformBuilder
{
    private readonly List<Resource> _resources = [];

    private PlatformBuilder(IConfiguration configuration)
    {
        Configuration = configuration;
        var configured = configuration["AppHost:DataDirectory"];
        DataDirectory = Path.GetFullPath(string.IsNullOrWhiteSpace(configured) ? Path.Combine(ProjectLocator.RepositoryRoot, ".apphost") : configured);
    }

    public IConfiguration Configuration { get; }

    /// <summary>Where local PostgreSQL and Redis keep their data and secrets between runs.</summary>
    public string DataDirectory { get; }

    public static PlatformBuilder Create(string[] args, IEnumerable<KeyValuePair<string, string?>>? overrides = null) =>
        new(new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(args)
            .AddInMemoryCollection(overrides ?? [])
            .Build());

    public PostgresResource AddPostgres(string name) =>
        Add(new PostgresResource(name, DataDirectory, Port(name), Configuration.GetConnectionString(name)));

    public RedisResource AddRedis(string name) =>
        Add(new RedisResource(name, DataDirectory, Port(name), Configuration.GetConnectionString(name)));

    public ClamAvResource AddClamAv(string name) =>
        Add(new ClamAvResource(name, DataDirectory, Port(name), Configuration.GetConnectionString(name)));

    public KafkaResource AddKafka(string name) => Add(new KafkaResource(name, Configuration.GetConnectionString(name)));

    /// <param name="projectPath">Relative to the repository root.</param>
    public ProjectResource AddProject(string name, string projectPath) => Add(new ProjectResource(name, projectPath));

    /// <summary>
    /// A platform service, named once: project src/{Name}/EfaPlatform.{Name}.csproj, an HTTP and a gRPC endpoint, its own
    /// database named after it (migrated before every start), and the Redis and Kafka it uses.
    /// </summary>
    public ProjectResource AddService(string name, PostgresResource postgres, params Resource[] uses)
    {
        var folder = char.ToUpperInvariant(name[0]) + name[1..];
        var service = AddProject(name, $"src/{folder}/EfaPlatform.{folder}.csproj")
            .WithHttpEndpoint()
            .WithGrpcEndpoint()
            .WithReference(postgres.AddDatabase(name))
            .WithMigrations();
        foreach (var resource in uses)
        {
            _ = resource switch
            {
                RedisResource redis => service.WithReference(redis),
                KafkaResource kafka => service.WithReference(kafka),
                ClamAvResource clamAv => service.WithReference(clamAv),
                ProjectResource other => service.WithReference(other),
                _ => throw new ArgumentException($"{name} cannot use {resource.Name} ({resource.Type}).", nameof(uses)),
            };
        }

        return service;
    }

    /// <summary>
    /// A development secret, made at first use (by <paramref name="create"/>, 48 hex digits unless given) and kept in the
    /// data folder, readable by the AppHost's user only.
    /// </summary>
    public string Secret(string name, Func<string>? create = null)
    {
        Directory.CreateDirectory(DataDirectory);
        return Commands.ReadOrCreateSecret(Path.Combine(DataDirectory, $"{name}.secret"), create);
    }

    /// <summary>A development TOTP secret (Base32, as authenticator apps take it), made and kept like <see cref="Secret"/>.</summary>
    public string TotpSecret(string name) => Secret(name, Commands.NewBase32Secret);

    public PlatformApplication Build() => new(_resources, Configuration, DataDirectory);

    /// <summary>
    /// A port that has to be known before start (because other resources are told it): "{name}:{endpoint}", or
    /// <paramref name="fallback"/>; 0 picks a free one now. Whether it is free is checked when the resource starts.
    /// </summary>
    public int KnownPort(string name, string endpoint, int fallback)
    {
        var port = Port(name, endpoint, fallback);
        return port == 0 ? Ports.FindFree() : port;
    }

    /// <summary>A port from "{name}:Port", 0 (any free port) when not set.</summary>
    public int Port(string name, string endpoint = "Port", int fallback = 0) =>
        Configuration.GetValue($"{name}:{endpoint}", fallback);

    private T Add<T>(T resource) where T : Resource
    {
        if (_resources.Any(existing => existing.Name == resource.Name))
        {
            throw new InvalidOperationException($"A resource named '{resource.Name}' is already declared.");
        }

        _resources.Add(resource);
        return resource;
    }
}
