using System.Text.Json;
using EfaPlatform.AppHost.Hosting;
using EfaPlatform.AppHost.Resources;

namespace EfaPlatform.AppHost;

/// <summary>
/// Routing for development: its own client at the identity service, and a directory for the development municipality
/// in which each catalog service reaches another kind of destination: the residence registration the caseworker inbox,
/// the residents' parking permit a push endpoint (the push receiver the AppHost starts, which checks signatures), the
/// certificate of good conduct the pull API of the municipality's machine client.
/// </summary>
public static class DevelopmentDirectory
{
    public const string ReceiverName = "push-receiver";
    public const string ServiceClientId = "routing";
    public static readonly string[] ServiceClientScopes = ["efa.forms", "efa.documents", "efa.identity"];

    public static ProjectResource WithDevelopmentDirectory(this ProjectResource routing, PlatformBuilder builder, ProjectResource identity)
    {
        var callbackSecret = builder.Secret("push-receiver-callback");
        var receiverPort = builder.KnownPort(ReceiverName, "HttpPort", 0);
        builder.AddProject(ReceiverName, "src/PushReceiver/EfaPlatform.PushReceiver.csproj")
            .WithHttpEndpoint(receiverPort)
            .WithEnvironment("Receiver__Secrets__0", callbackSecret)
            .WithEnvironment("Receiver__StateDirectory", Path.Combine(builder.DataDirectory, ReceiverName))
            .WithEnvironment("Receiver__FaultsEnabled", builder.Configuration["push-receiver:FaultsEnabled"] ?? "false");
        var directoryFile = Path.Combine(builder.DataDirectory, "routing-directory.json");
        File.WriteAllText(directoryFile, Directory($"http://127.0.0.1:{receiverPort}/deliveries", callbackSecret));

        // Routing is the first platform service with a client of its own: index 0. A further one takes the next index.
        var clientSecret = builder.Secret("routing-service-client");
        identity.WithEnvironment("Identity__ServiceClients__0__ClientId", ServiceClientId)
            .WithEnvironment("Identity__ServiceClients__0__ClientSecret", clientSecret);
        for (var i = 0; i < ServiceClientScopes.Length; i++)
        {
            identity.WithEnvironment($"Identity__ServiceClients__0__Scopes__{i}", ServiceClientScopes[i]);
        }

        return routing
            .WithEnvironment("Routing__SecretKey", builder.Secret("routing-key"))
            .WithEnvironment("Routing__AllowLoopbackHttp", "true")
            .WithEnvironment("Routing__Seed__TenantId", DevelopmentTenant.Id)
            .WithEnvironment("Routing__Seed__DirectoryFile", directoryFile)
            .WithEnvironment("ServiceClient__ClientId", ServiceClientId)
            .WithEnvironment("ServiceClient__ClientSecret", clientSecret)
            .WithEnvironment("ServiceClient__Scopes", string.Join(' ', ServiceClientScopes));
    }

    private static string Directory(string pushUrl, string callbackSecret) => JsonSerializer.Serialize(new
    {
        units = new object[]
        {
            new
            {
                unitId = "buergeramt", name = "Bürgeramt Heidelberg", leikaKeys = new[] { "99115005001000" }, areas = new[] { "08221" },
                contact = new { email = "buergeramt@heidelberg.example", phone = "+49 6221 58-0", address = "Bergheimer Straße 69, 69115 Heidelberg" },
                destinations = new object[] { new { channel = "inbox" } },
            },
            new
            {
                unitId = "verkehrsbehoerde", name = "Amt für Mobilität Heidelberg", leikaKeys = new[] { "99108008016000" }, areas = new[] { "08221" },
                contact = new { email = "mobilitaet@heidelberg.example", phone = "+49 6221 58-30000", address = "Gaisbergstraße 11, 69115 Heidelberg" },
                destinations = new object[] { new { channel = "push", pushUrl, callbackSecret } },
            },
            new
            {
                unitId = "ordnungsamt", name = "Bürger- und Ordnungsamt Heidelberg", leikaKeys = new[] { "99116004012000" }, areas = new[] { "08221" },
                contact = new { email = "ordnungsamt@heidelberg.example", phone = "+49 6221 58-17000", address = "Bergheimer Straße 69, 69115 Heidelberg" },
                destinations = new object[] { new { channel = "pull" } },
            },
        },
    }, new JsonSerializerOptions { WriteIndented = true });
}
