using EfaPlatform.Contracts.Events.V1;
using EfaPlatform.Messaging;
using EfaPlatform.Routing.Authorities;
using EfaPlatform.Routing.Decisions;
using EfaPlatform.Routing.Deliveries;
using EfaPlatform.ServiceDefaults;
using EfaPlatform.ServiceDefaults.Auth;
using EfaPlatform.ServiceDefaults.Kit;
using Microsoft.Extensions.Options;

namespace EfaPlatform.Routing;

public static class Extensions
{
    public static IHostApplicationBuilder AddRoutingServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RoutingOptions>().Bind(builder.Configuration.GetSection(RoutingOptions.SectionName))
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<DirectoryStore>();
        builder.Services.AddSingleton<DirectoryWriter>();
        builder.Services.AddSingleton<LookupCache>();
        builder.Services.AddSingleton<ResponsibilityLookup>();
        builder.Services.AddSingleton<TenantAreas>();
        builder.Services.AddSingleton<DeliveryStore>();
        builder.Services.AddSingleton<DeliveryDocument>();
        builder.Services.AddSingleton<DeliveryContents>();
        builder.Services.AddSingleton<SubmissionSource>();
        builder.Services.AddSingleton<DecisionMaker>();
        builder.Services.AddHostedService<DeliveryWorker>();
        builder.AddPushChannel();
        builder.AddPlatformClients();
        builder.AddKafkaEventBus()
            .AddSubscription<SubmissionSubmitted, ReadinessHandlers>()
            .AddSubscription<PaymentSucceeded, ReadinessHandlers>()
            .AddSubscription<SubmissionWithdrawn, ReadinessHandlers>()
            .AddSubscription<DirectoryChanged, DirectoryChangedHandler>();
        builder.Services.AddSqlMigrations(SqlMigration.FromEmbeddedResources(typeof(Extensions).Assembly, "Migrations"));
        builder.Services.AddMigrationStep("seed the development directory", Commands.SeedDirectoryAsync);
        return builder;
    }

    /// <summary>
    /// One attempt per call, no redirects, only to addresses a push may reach (<see cref="PushNetworks"/>): the worker,
    /// not the HTTP client, decides when to try again, and PushChannel bounds each attempt by the push timeout.
    /// </summary>
    private static void AddPushChannel(this IHostApplicationBuilder builder)
    {
        // RemoveAllResilienceHandlers is experimental, and the only way to take the service defaults' retries off one client.
#pragma warning disable EXTEXP0001
        builder.Services.AddHttpClient<PushChannel>(http => http.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(services => new SocketsHttpHandler
            {
                AllowAutoRedirect = false, UseCookies = false, ConnectCallback = PushNetworks.ConnectCallback(services.GetRequiredService<IOptions<RoutingOptions>>().Value),
            })
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
    }

    /// <summary>Forms, documents and identity through service discovery, each call with routing's own token; the mailbox with the decider's.</summary>
    private static void AddPlatformClients(this IHostApplicationBuilder builder)
    {
        builder.AddServiceTokens();
        builder.Services.AddGrpcClient<Contracts.Forms.V1.SubmissionsService.SubmissionsServiceClient>(client => client.Address = new Uri("http://_grpc.forms")).WithServiceToken();
        builder.Services.AddGrpcClient<Contracts.Documents.V1.DocumentTransfers.DocumentTransfersClient>(client => client.Address = new Uri("http://_grpc.documents")).WithServiceToken();
        builder.Services.AddGrpcClient<Contracts.Documents.V1.DocumentsService.DocumentsServiceClient>(client => client.Address = new Uri("http://_grpc.documents")).WithServiceToken();
        builder.Services.AddGrpcClient<Contracts.Identity.V1.TenantsService.TenantsServiceClient>(client => client.Address = new Uri("http://_grpc.identity")).WithServiceToken();
        builder.Services.AddGrpcClient<Contracts.Documents.V1.MailboxService.MailboxServiceClient>(client => client.Address = new Uri("http://_grpc.documents"));
    }

    public static WebApplication MapRoutingEndpoints(this WebApplication app)
    {
        app.MapGrpcService<DirectoryService>();
        app.MapGrpcService<DeliveriesService>();
        app.MapAttachmentEndpoints();
        return app;
    }
}
