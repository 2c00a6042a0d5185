using EfaPlatform.AppHost;
using EfaPlatform.AppHost.Hosting;

var builder = PlatformBuilder.Create(args);
var (postgres, redis, kafka, clamav) = (builder.AddPostgres("postgres"), builder.AddRedis("redis"), builder.AddKafka("kafka"), builder.AddClamAv("clamav"));
// The gateway's address is the platform's public address: the issuer of every token.
var gatewayPort = builder.KnownPort("gateway", "HttpPort", 8080);
var publicUrl = $"http://127.0.0.1:{gatewayPort}/";

var identity = builder.AddService("identity", postgres, redis)
    .WithEnvironment("Identity__Issuer", publicUrl)
    .WithEnvironment("Identity__KeySecret", builder.Secret("identity-key"))
    .WithDevelopmentSeed(builder, publicUrl);
identity.WithEnvironment("Authentication__Authority", () => identity.HttpUrl);

var documents = builder.AddService("documents", postgres, redis, kafka, clamav, identity)
    .WithEnvironment("Documents__StoragePath", Path.Combine(builder.DataDirectory, "documents"));
var forms = builder.AddService("forms", postgres, redis, kafka, identity, documents)
    .WithDevelopmentActivations();
var payment = builder.AddService("payment", postgres, redis, kafka, identity, forms).WithDevelopmentPayment(builder, publicUrl);
var routing = builder.AddService("routing", postgres, redis, kafka, identity, forms, documents).WithDevelopmentDirectory(builder, identity);
builder.AddProject("gateway", "src/Gateway/EfaPlatform.Gateway.csproj")
    .WithHttpEndpoint(gatewayPort)
    .WithGrpcEndpoint(builder.Port("gateway", "GrpcPort", 8081))
    .WithReference(identity).WithReference(forms).WithReference(documents).WithReference(payment).WithReference(routing);
await using var app = builder.Build();
app.AfterStart(() => DevelopmentTenant.PrintBanner(builder, publicUrl));
return await app.RunAsync();
