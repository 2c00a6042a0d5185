using EfaPlatform.Contracts.Events.V1;
using EfaPlatform.Documents.Attachments;
using EfaPlatform.Documents.Documents;
using EfaPlatform.Documents.Mailbox;
using EfaPlatform.Documents.Retention;
using EfaPlatform.Documents.Scanning;
using EfaPlatform.Documents.Storage;
using EfaPlatform.Documents.Transfers;
using EfaPlatform.Documents.Uploads;
using EfaPlatform.Messaging;
using EfaPlatform.ServiceDefaults;
using EfaPlatform.ServiceDefaults.Kit;

namespace EfaPlatform.Documents;

public static class Extensions
{
    public static IHostApplicationBuilder AddDocumentsServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DocumentsOptions>().Bind(builder.Configuration.GetSection(DocumentsOptions.SectionName))
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IBlobStore, FileSystemBlobStore>();
        builder.Services.AddSingleton<DocumentStore>();
        builder.Services.AddSingleton<ClamdScanner>();
        builder.Services.AddSingleton<DocumentIntake>();
        builder.Services.AddSingleton<ResumableUploadStore>();
        builder.Services.AddHostedService<ScanWorker>();
        builder.Services.AddSingleton<AttachmentStore>();
        builder.Services.AddSingleton<MailboxStore>();
        builder.Services.AddSingleton<RetentionStore>();
        builder.Services.AddSingleton<DocumentSweeper>();
        builder.Services.AddHostedService<SweeperService>();
        builder.Services.AddServiceCommand("sweep", async (app, _) =>
        {
            var result = await app.Services.GetRequiredService<DocumentSweeper>().SweepAsync(CancellationToken.None);
            Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(result));
            return 0;
        });
        builder.AddKafkaEventBus()
            .AddSubscription<SubmissionSubmitted, SubmissionAttachmentHandler>()
            .AddSubscription<SubmissionWithdrawn, SubmissionAttachmentHandler>()
            .AddSubscription<SubmissionDecided, SubmissionAttachmentHandler>();
        builder.Services.AddSqlMigrations(SqlMigration.FromEmbeddedResources(typeof(Extensions).Assembly, "Migrations"));
        return builder;
    }

    public static WebApplication MapDocumentsEndpoints(this WebApplication app)
    {
        app.MapGrpcService<DocumentsService>();
        app.MapGrpcService<DocumentTransfersService>();
        app.MapGrpcService<MailboxService>();
        app.MapGrpcService<Retention.RetentionService>();
        app.MapUploadEndpoints();
        app.MapResumableUploadEndpoints();
        return app;
    }
}
