using EfaPlatform.Routing.Authorities;
using Microsoft.Extensions.Options;

namespace EfaPlatform.Routing;

/// <summary>
/// Routing's step of the kit's `migrate` command, after its SQL migrations: in development, the seed tenant's directory
/// is imported from Routing:Seed:DirectoryFile (a JSON directory file) while it has none.
/// </summary>
public static partial class Commands
{
    public static async Task SeedDirectoryAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var options = services.GetRequiredService<IOptions<RoutingOptions>>().Value;
        if (options.Seed.TenantId is not { } tenantId || options.Seed.DirectoryFile is not { Length: > 0 } file)
        {
            return;
        }

        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(Commands));
        if (await services.GetRequiredService<DirectoryStore>().VersionAsync(tenantId, cancellationToken) > 0)
        {
            return;
        }

        var result = DirectoryImport.Read("json", await File.ReadAllTextAsync(file, cancellationToken), options.AllowLoopbackHttp);
        if (result.Problems.Count > 0)
        {
            throw new InvalidOperationException($"The development directory {file} is not valid: " +
                                                string.Join("; ", result.Problems.Select(p => $"line {p.Line}: {p.Field} {p.Description}")));
        }

        await services.GetRequiredService<DirectoryWriter>().ReplaceAllAsync(tenantId, result.Units, "development-seed", cancellationToken);
        LogSeeded(logger, result.Units.Count, tenantId);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Development directory with {Units} units imported for tenant {TenantId}")]
    private static partial void LogSeeded(ILogger logger, int units, Guid tenantId);
}
