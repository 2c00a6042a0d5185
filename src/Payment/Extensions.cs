using EfaPlatform.Contracts.Events.V1;
using EfaPlatform.Messaging;
using EfaPlatform.Payment.Kassenzeichen;
using EfaPlatform.Payment.Payments;
using EfaPlatform.ServiceDefaults;
using EfaPlatform.ServiceDefaults.Kit;

namespace EfaPlatform.Payment;

public static class Extensions
{
    public static IHostApplicationBuilder AddPaymentServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<PaymentOptions>().Bind(builder.Configuration.GetSection(PaymentOptions.SectionName))
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<KassenzeichenIssuer>();
        builder.Services.AddSingleton<PaymentStore>();
        builder.AddKafkaEventBus()
            .AddSubscription<SubmissionSubmitted, SubmissionFeeHandler>();
        builder.Services.AddSqlMigrations(SqlMigration.FromEmbeddedResources(typeof(Extensions).Assembly, "Migrations"));
        return builder;
    }

    public static WebApplication MapPaymentEndpoints(this WebApplication app)
    {
        app.MapGrpcService<PaymentsService>();
        return app;
    }
}
