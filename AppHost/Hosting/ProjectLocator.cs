using System.Reflection;

namespace EfaPlatform.AppHost.Hosting;

/// <summary>Finds the built output of a project of this repository, built together with the AppHost.</summary>
public static class ProjectLocator
{
    private static readonly Assembly AppHostAssembly = typeof(ProjectLocator).Assembly;

    public static string RepositoryRoot { get; } = Metadata("RepositoryRoot");

    public static string Configuration { get; } = Metadata("Configuration");

    /// <param name="projectPath">Relative to the repository root, for example "src/Gateway/EfaPlatform.Gateway.csproj".</param>
    public static string OutputAssembly(string projectPath)
    {
        var projectFile = Path.Combine(RepositoryRoot, projectPath);
        var assembly = Path.Combine(Path.GetDirectoryName(projectFile)!, "bin", Configuration, "net10.0",
            Path.GetFileNameWithoutExtension(projectFile) + ".dll");
        if (!File.Exists(assembly))
        {
            throw new ResourceStartException(
                $"{assembly} does not exist. Build the AppHost (it builds every project it starts): dotnet build AppHost -c {Configuration}.");
        }

        return assembly;
    }

    public static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private static string Metadata(string key) =>
        AppHostAssembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"AppHost assembly lacks metadata '{key}'.");
}
