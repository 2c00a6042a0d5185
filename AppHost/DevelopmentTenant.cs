using EfaPlatform.AppHost.Hosting;
using EfaPlatform.AppHost.Resources;

namespace EfaPlatform.AppHost;

/// <summary>
/// The development municipality (Heidelberg) and everything the AppHost seeds for development: identity creates the
/// tenant with this id, its people and its machine client; forms activates the catalog for it, so both seeds name the
/// same tenant without asking each other. None of this reaches a production deployment.
/// </summary>
public static class DevelopmentTenant
{
    public const string Id = "0193f1d2-6a00-7000-8000-0000000008a2";

    /// <summary>Identity on loopback HTTP, with the development eID, the seeded people and the development web client.</summary>
    public static ProjectResource WithDevelopmentSeed(this ProjectResource identity, PlatformBuilder builder, string publicUrl) => identity
        .WithEnvironment("Identity__RequireHttps", "false")
        .WithEnvironment("Identity__DevelopmentEidEnabled", "true")
        .WithEnvironment("Identity__Seed__Enabled", "true")
        .WithEnvironment("Identity__Seed__TenantId", Id)
        .WithEnvironment("Identity__Seed__Password", builder.Secret("identity-seed-password"))
        .WithEnvironment("Identity__Seed__ClientSecret", builder.Secret("identity-seed-client"))
        .WithEnvironment("Identity__Seed__TotpSecret", builder.TotpSecret("identity-seed-totp"))
        .WithEnvironment("Identity__WebClients__0__ClientId", "efa-dev-web")
        .WithEnvironment("Identity__WebClients__0__DisplayName", "Development web front end")
        .WithEnvironment("Identity__WebClients__0__RedirectUris__0", $"{publicUrl}dev/callback");

    /// <summary>Forms offers every catalog service in the development municipality.</summary>
    public static ProjectResource WithDevelopmentActivations(this ProjectResource forms) => forms
        .WithEnvironment("Forms__Seed__TenantId", Id)
        .WithEnvironment("Forms__Seed__ReferencePrefix", "HD")
        .WithEnvironment("Forms__Seed__ContactEmail", "buergerservice@heidelberg.example");

    /// <summary>
    /// Payment with the built-in test provider for the development municipality: citizens pay on its page (test cards in
    /// the README) and come back to the platform's own address. Links to the page use the gateway's address.
    /// </summary>
    public static ProjectResource WithDevelopmentPayment(this ProjectResource payment, PlatformBuilder builder, string publicUrl) => payment
        .WithEnvironment("Payment__SecretKey", builder.Secret("payment-key"))
        .WithEnvironment("Payment__PublicUrl", publicUrl)
        .WithEnvironment("Payment__TestProvider__Enabled", "true")
        .WithEnvironment($"Payment__Tenants__{Id}__Provider", "test")
        .WithEnvironment($"Payment__Tenants__{Id}__ReturnOrigins__0", publicUrl.TrimEnd('/'));

    /// <summary>What a developer needs to sign in and call the APIs, printed once everything runs.</summary>
    public static void PrintBanner(PlatformBuilder builder, string publicUrl) => Console.WriteLine($"""
        Development sign-in (secrets in {builder.DataDirectory}):
          machine client:  curl -s -u heidelberg-fachverfahren:$(cat {builder.DataDirectory}/identity-seed-client.secret) \
                             -d grant_type=client_credentials -d scope=efa.identity {publicUrl}connect/token
          people:          admin@heidelberg.example, sachbearbeitung@heidelberg.example, erika@buerger.example, operator@efa.example
                           password: {builder.DataDirectory}/identity-seed-password.secret
                           TOTP of admin and operator (administration needs it): {builder.DataDirectory}/identity-seed-totp.secret
          municipality:    Heidelberg, tenant {Id}, offers every catalog service:
                           {publicUrl}api/forms/v1/tenants/{Id}/services
          payment:         test provider; cards 4242 4242 4242 4242 (paid), 4000 0000 0000 0002 (declined), 4000 0000 0000 3220 (confirm)
          routing:         registration → caseworker inbox ({publicUrl}api/routing/v1/tenants/{Id}/inbox), parking permit → push receiver
                           (received: GET /deliveries on the push-receiver resource), certificate of good conduct → pull API of the machine client
          REST APIs:       {publicUrl}api/forms/openapi.json, {publicUrl}api/identity/openapi.json, {publicUrl}api/payment/openapi.json,
                           {publicUrl}api/documents/openapi.json, {publicUrl}api/routing/openapi.json
        """);
}
