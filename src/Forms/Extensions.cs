using EfaPlatform.Contracts.Events.V1;
using EfaPlatform.Forms.Activations;
using EfaPlatform.Forms.Definitions;
using EfaPlatform.Forms.Schemas;
using EfaPlatform.Forms.Submissions;
using EfaPlatform.Messaging;
using EfaPlatform.ServiceDefaults;
using EfaPlatform.ServiceDefaults.Kit;

namespace EfaPlatform.Forms;

public static class Extensions
{
    public static IHostApplicationBuilder AddFormsServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<FormsOptions>().Bind(builder.Configuration.GetSection(FormsOptions.SectionName)).ValidateOnStart();
        builder.Services.AddSingleton<FormValidator>();
        builder.Services.AddSingleton<DefinitionStore>();
        builder.Services.AddSingleton<ActivationStore>();
        builder.Services.AddSingleton<SubmissionStore>();
        builder.Services.AddSingleton<SubmissionIntake>();
        builder.Services.AddSingleton<Drafts.DraftStore>();
        builder.Services.AddSingleton<IAttachmentDirectory, NoDocumentsService>();
        builder.AddSubmissionEvents();
        builder.Services.AddSqlMigrations(SqlMigration.FromEmbeddedResources(typeof(Extensions).Assembly, "Migrations"));
        builder.Services.AddMigrationStep("publish the catalog and seed development activations", Commands.PublishCatalogAsync);
        return builder;
    }

    /// <summary>Forms publishes submission events and follows payment and routing to move a submission's status.</summary>
    private static void AddSubmissionEvents(this IHostApplicationBuilder builder) =>
        builder.AddKafkaEventBus()
            .AddSubscription<PaymentSucceeded, SubmissionEventHandlers>()
            .AddSubscription<PaymentFailed, SubmissionEventHandlers>()
            .AddSubscription<SubmissionDelivered, SubmissionEventHandlers>()
            .AddSubscription<SubmissionDecided, SubmissionEventHandlers>();

    public static WebApplication MapFormsEndpoints(this WebApplication app)
    {
        app.UseMiddleware<CatalogResponseCache>();
        app.MapGrpcService<DefinitionsService>();
        app.MapGrpcService<Drafts.DraftsService>();
        app.MapGrpcService<ActivationsService>();
        app.MapGrpcService<Submissions.SubmissionsService>();
        return app;
    }
}
