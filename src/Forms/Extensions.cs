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
        builder.AddAttachmentDirectory();
        builder.AddSubmissionEvents();
        builder.Services.AddSqlMigrations(SqlMigration.FromEmbeddedResources(typeof(Extensions).Assembly, "Migrations"));
        builder.Services.AddMigrationStep("publish the catalog and seed development activations", Commands.PublishCatalogAsync);
        return builder;
    }

    /// <summary>The documents service when service discovery knows it; otherwise attachments are refused (<see cref="NoDocumentsService"/>).</summary>
    private static void AddAttachmentDirectory(this IHostApplicationBuilder builder)
    {
        if (builder.Configuration[$"services:{DocumentsAttachmentDirectory.ServiceName}:grpc:0"] is not { Length: > 0 })
        {
            builder.Services.AddSingleton<IAttachmentDirectory, NoDocumentsService>();
            return;
        }

        builder.Services.AddHttpContextAccessor();
        builder.Services.AddGrpcClient<Contracts.Documents.V1.DocumentsService.DocumentsServiceClient>(
            client => client.Address = new Uri($"http://_grpc.{DocumentsAttachmentDirectory.ServiceName}"));
        builder.Services.AddSingleton<IAttachmentDirectory, DocumentsAttachmentDirectory>();
    }

    /// <summary>Forms publishes submission events and follows payment and routing to move a submission's status.</summary>
    private static void AddSubmissionEvents(this IHostApplicationBuilder builder) =>
        builder.AddKafkaEventBus()
            .AddSubscription<PaymentSucceeded, SubmissionEventHandlers>()
            .AddSubscription<PaymentFailed, SubmissionEventHandlers>()
            .AddSubscription<PaymentExpired, SubmissionEventHandlers>()
            .AddSubscription<SubmissionDelivered, SubmissionEventHandlers>()
            .AddSubscription<SubmissionDecided, SubmissionEventHandlers>()
            .AddSubscription<SubmissionUnroutable, SubmissionEventHandlers>();

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
