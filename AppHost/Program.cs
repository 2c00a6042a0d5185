using EfaPlatform.AppHost.Hosting;

var builder = PlatformBuilder.Create(args);

var postgres = builder.AddPostgres("postgres");
var redis = builder.AddRedis("redis");
var kafka = builder.AddKafka("kafka");

builder.AddProject("gateway", "src/Gateway/EfaPlatform.Gateway.csproj")
    .WithHttpEndpoint(builder.Port("gateway", "HttpPort", 8080))
    .WithGrpcEndpoint(builder.Port("gateway", "GrpcPort", 8081));

// Services added by later issues declare themselves here, for example:
// var forms = builder.AddProject("forms", "src/Forms/EfaPlatform.Forms.csproj").WithHttpEndpoint().WithGrpcEndpoint()
//     .WithReference(postgres.AddDatabase("forms")).WithReference(redis).WithReference(kafka).WithMigrations();
// and the gateway references it: .WithReference(forms).

await using var app = builder.Build();
return await app.RunAsync();
