using Microsoft.Extensions.Configuration;

namespace EfaPlatform.ServiceDefaults;

internal static class ConnectionStrings
{
    /// <summary>Reads ConnectionStrings:{name}, failing at start with the key to set when it is missing.</summary>
    public static string Require(IConfiguration configuration, string name)
    {
        var value = configuration.GetConnectionString(name);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException(
                $"Connection string '{name}' is missing: set ConnectionStrings__{name} (environment) or ConnectionStrings:{name} (configuration).");
        }

        return value;
    }
}
