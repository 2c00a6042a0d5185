using EfaPlatform.Contracts.Events.V1;
using EfaPlatform.Messaging;
using EfaPlatform.Payment.Callbacks;
using EfaPlatform.Payment.Kassenzeichen;
using EfaPlatform.Payment.Payments;
using EfaPlatform.Payment.Providers;
using EfaPlatform.Payment.Providers.XBezahldienste;
using EfaPlatform.Payment.Reconciliation;
using EfaPlatform.Payment.Settings;
using EfaPlatform.Payment.TestProvider;
using EfaPlatform.ServiceDefaults;
using EfaPlatform.ServiceDefaults.Kit;

namespace EfaPlatform.Payment;

public static class Extensions
{
    public static IHostApplicationBuilder AddPaymentServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<PaymentOptions>().Bind(builder.Configuration.GetSection(PaymentOptions.SectionName))
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<KassenzeichenIssuer>();
        builder.Services.AddSingleton<PaymentStore>();
        builder.Services.AddSingleton<PaymentEvents>();
        builder.Services.AddSingleton<PaymentSettingsStore>();
        builder.Services.AddSingleton<PaymentStarter>();
        builder.Services.AddSingleton<Refunds.PaymentRefunds>();
        builder.Services.AddSingleton<ExportBuilder>();
        builder.Services.AddSingleton<ExportStore>();
        builder.Services.AddSingleton<ProviderConfirmations>();
        builder.Services.AddSingleton<CallbackSecrets>();
        builder.Services.AddSingleton<CallbackReceiver>();
        builder.Services.AddHostedService<ExpiryWorker>();
        // A repeated rotation gets its secret again; Redis holds it only encrypted.
        builder.Services.Configure<IdempotencyOptions>(idempotency => idempotency.SecretResponse<Contracts.Payment.V1.CallbackSecret>());
        builder.AddProviders();
        builder.AddSubmissionLookup();
        builder.AddKafkaEventBus()
            .AddSubscription<SubmissionSubmitted, SubmissionFeeHandler>()
            .AddSubscription<SubmissionWithdrawn, SubmissionWithdrawnHandler>();
        builder.Services.AddSqlMigrations(SqlMigration.FromEmbeddedResources(typeof(Extensions).Assembly, "Migrations"));
        return builder;
    }

    private static void AddProviders(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<PaymentProviders>();
        if (TestProviderEnabled(builder.Configuration))
        {
            builder.Services.AddSingleton<TestProviderSessions>();
            builder.Services.AddSingleton<TestPaymentProvider>();
            builder.Services.AddSingleton<IPaymentProvider>(services => services.GetRequiredService<TestPaymentProvider>());
            builder.Services.AddSingleton<TestProviderCallbacks>();
        }

        var xbezahldienste = builder.Configuration.GetSection($"{PaymentOptions.SectionName}:{nameof(PaymentOptions.XBezahldienste)}").Get<XBezahldiensteOptions>();
        if (xbezahldienste?.BaseUrl is { Length: > 0 } baseUrl)
        {
            // One attempt per call with its own timeout: the poller, not the HTTP client, decides when to ask again.
            // RemoveAllResilienceHandlers is experimental, and the only way to take the service defaults' retries off one client.
#pragma warning disable EXTEXP0001
            builder.Services.AddHttpClient<XBezahldiensteProvider>(http =>
                {
                    http.BaseAddress = new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/");
                    http.Timeout = xbezahldienste.Timeout;
                })
                .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
            builder.Services.AddSingleton<IPaymentProvider>(services => services.GetRequiredService<XBezahldiensteProvider>());
        }

        builder.Services.AddHostedService<ProviderPoller>();
    }

    /// <summary>Forms, through service discovery, tells whose a submission is; without it citizens' calls answer 503.</summary>
    private static void AddSubmissionLookup(this IHostApplicationBuilder builder)
    {
        builder.Services.AddGrpcClient<Contracts.Forms.V1.SubmissionsService.SubmissionsServiceClient>(
            client => client.Address = new Uri($"http://_grpc.{SubmissionLookup.ServiceName}"));
        builder.Services.AddSingleton<SubmissionLookup>();
    }

    private static bool TestProviderEnabled(IConfiguration configuration) =>
        configuration.GetValue<bool>($"{PaymentOptions.SectionName}:{nameof(PaymentOptions.TestProvider)}:{nameof(TestProviderOptions.Enabled)}");

    public static WebApplication MapPaymentEndpoints(this WebApplication app)
    {
        app.MapGrpcService<PaymentsService>();
        app.MapGrpcService<PaymentSettingsService>();
        app.MapGrpcService<Reconciliation.ReconciliationService>();
        app.MapExportEndpoints();
        app.MapCallbackEndpoints();
        if (TestProviderEnabled(app.Configuration))
        {
            app.MapTestProviderEndpoints();
        }

        return app;
    }
}
