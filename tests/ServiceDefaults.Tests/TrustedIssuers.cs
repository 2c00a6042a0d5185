using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.ServiceDefaults.Tests;

/// <summary>The configuration of a service that trusts the platform's issuer and a Keycloak realm "municipality", both run by the test.</summary>
internal static class TrustedIssuers
{
    public const string KeycloakRealmPath = "/realms/municipality";

    public static Dictionary<string, string?> Configuration(TestIssuer platform, TestIssuer keycloak, params (string Key, string Value)[] more)
    {
        var configuration = new Dictionary<string, string?>
        {
            ["Authentication:Authority"] = platform.Issuer,
            ["Authentication:RequireHttpsMetadata"] = "false",
            ["Keycloak:auth-server-url"] = keycloak.Issuer.Replace(KeycloakRealmPath, "/", StringComparison.Ordinal),
            ["Keycloak:Realm"] = "municipality",
            ["Keycloak:resource"] = "efa-platform",
            ["Keycloak:RequireHttpsMetadata"] = "false",
        };
        foreach (var (key, value) in more)
        {
            configuration[key] = value;
        }

        return configuration;
    }
}
