using Microsoft.Extensions.Hosting;

namespace EfaPlatform.ServiceDefaults;

/// <summary>
/// A service's one name ("forms"), taken from its application name (EfaPlatform.Forms), the same one the AppHost gives
/// its resource. Everything named after the service derives from it: the CloudEvents source /efa/forms and topic
/// efa.forms, the consumer group, the OpenAPI path /api/forms/openapi.json, the Redis prefix "forms:" and the scope a
/// machine client needs, efa.forms.
/// </summary>
public static class ServiceName
{
    public static string Of(string applicationName) => applicationName[(applicationName.LastIndexOf('.') + 1)..].ToLowerInvariant();

    public static string Of(IHostEnvironment environment) => Of(environment.ApplicationName);
}
