using EfaPlatform.AppHost;
using EfaPlatform.AppHost.Hosting;

var builder = PlatformBuilder.Create(args);

var postgres = builder.AddPostgres("postgres");
var redis = builder.AddRedis("redis");
var kafka = builder.AddKafka("kafka");

// The gateway's address is the platform's public address: the issuer of every token.
var gatewayPort = builder.KnownPort("gateway", "HttpPort", 8080);
var publicUrl = $"http://127.0.0.1:{gatewayPort}/";

var identity = builder.AddProject("identity", "src/Identity/EfaPlatform.Identity.csproj")
    .WithHttpEndpoint()
    .WithGrpcEndpoint()
    .WithReference(postgres.AddDatabase("identity"))
    .WithReference(redis)
    .WithMigrations()
    .WithEnvironment("Identity__Issuer", publicUrl)
    .WithEnvironment("Identity__KeySecret", builder.Secret("identity-key"))
    .WithEnvironment("Identity__RequireHttps", "false")
    .WithEnvironment("Identity__DevelopmentEidEnabled", "true")
    .WithEnvironment("Identity__Seed__Enabled", "true")
    .WithEnvironment("Identity__Seed__TenantId", DevelopmentTenant.Id)
    .WithEnvironment("Identity__Seed__Password", builder.Secret("identity-seed-password"))
    .WithEnvironment("Identity__Seed__ClientSecret", builder.Secret("identity-seed-client"))
    .WithEnvironment("Identity__Seed__TotpSecret", builder.TotpSecret("identity-seed-totp"))
    .WithEnvironment("Identity__WebClients__0__ClientId", "efa-dev-web")
    .WithEnvironment("Identity__WebClients__0__DisplayName", "Development web front end")
    .WithEnvironment("Identity__WebClients__0__RedirectUris__0", $"{publicUrl}dev/callback");
identity.WithEnvironment("Authentication__Authority", () => identity.HttpUrl);

var forms = builder.AddProject("forms", "src/Forms/EfaPlatform.Forms.csproj")
    .WithHttpEndpoint()
    .WithGrpcEndpoint()
    .WithReference(postgres.AddDatabase("forms"))
    .WithReference(redis)
    .WithReference(kafka)
    .WithReference(identity)
    .WithMigrations()
    .WithEnvironment("Forms__Seed__TenantId", DevelopmentTenant.Id)
    .WithEnvironment("Forms__Seed__ReferencePrefix", "HD")
    .WithEnvironment("Forms__Seed__ContactEmail", "buergerservice@heidelberg.example");

builder.AddProject("gateway", "src/Gateway/EfaPlatform.Gateway.csproj")
    .WithHttpEndpoint(gatewayPort)
    .WithGrpcEndpoint(builder.Port("gateway", "GrpcPort", 8081))
    .WithReference(identity)
    .WithReference(forms);

// Services added by later issues declare themselves here the same way (payment, documents, routing), with redis and
// kafka references where they use them, and the gateway references them.

await using var app = builder.Build();
app.AfterStart(() => Console.WriteLine($"""
    Development sign-in (secrets in {builder.DataDirectory}):
      machine client:  curl -s -u heidelberg-fachverfahren:$(cat {builder.DataDirectory}/identity-seed-client.secret) \
                         -d grant_type=client_credentials -d scope=efa.identity {publicUrl}connect/token
      people:          admin@heidelberg.example, sachbearbeitung@heidelberg.example, erika@buerger.example, operator@efa.example
                       password: {builder.DataDirectory}/identity-seed-password.secret
                       TOTP of admin and operator (administration needs it): {builder.DataDirectory}/identity-seed-totp.secret
      municipality:    Heidelberg, tenant {DevelopmentTenant.Id}, offers every catalog service:
                       {publicUrl}api/forms/v1/tenants/{DevelopmentTenant.Id}/services
      REST APIs:       {publicUrl}api/forms/openapi.json, {publicUrl}api/identity/openapi.json
    """));
return await app.RunAsync();
