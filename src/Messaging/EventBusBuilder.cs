using EfaPlatform.Messaging.Consuming;
using EfaPlatform.Messaging.Outbox;
using EfaPlatform.ServiceDefaults;
using EfaPlatform.ServiceDefaults.Kit;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EfaPlatform.Messaging;

public static class EventBusExtensions
{
    /// <summary>
    /// The Kafka event bus: an outbox in the service's PostgreSQL database (needs AddEfaPostgres), its relay, and a
    /// consumer for the subscriptions added to the returned builder. Reads section "Messaging".
    /// </summary>
    public static EventBusBuilder AddKafkaEventBus(this IHostApplicationBuilder builder, string connectionName = "kafka")
    {
        builder.AddEfaKafka(connectionName);
        builder.Services.AddOptions<MessagingOptions>()
            .Configure(options => options.Service = ServiceName.Of(builder.Environment))
            .Bind(builder.Configuration.GetSection(MessagingOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.TryAddSingleton(services => KafkaClients.CreateProducer(
            services.GetRequiredService<KafkaConnection>(),
            services.GetRequiredService<IOptions<MessagingOptions>>().Value,
            services.GetRequiredService<ILogger<OutboxRelay>>()));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<EventOutbox>();
        builder.Services.TryAddSingleton(services => new OutboxRelay(
            services.GetRequiredService<Npgsql.NpgsqlDataSource>(),
            services.GetRequiredService<Confluent.Kafka.IProducer<string, byte[]>>(),
            services.GetRequiredService<IOptions<MessagingOptions>>().Value,
            services.GetRequiredService<ILogger<OutboxRelay>>()));
        builder.Services.AddHostedService<OutboxRelayService>();

        // Every service that uses the bus migrates the outbox and inbox with its own schema, and can replay dead letters.
        builder.Services.AddSqlMigrations(MessagingSchema.Migrations);
        builder.Services.AddServiceCommand(DeadLetterReplay.CommandName, (app, args) => DeadLetterReplay.RunCommandAsync(app.Services, args));

        var subscriptions = new Subscriptions();
        builder.Services.AddSingleton(subscriptions);
        builder.Services.AddHostedService<EventConsumer>();
        return new EventBusBuilder(builder.Services, subscriptions);
    }
}

public sealed class EventBusBuilder(IServiceCollection services, Subscriptions subscriptions)
{
    public IServiceCollection Services { get; } = services;

    /// <param name="publisher">The service the event must come from (topic and source); by default the one its type names.</param>
    public EventBusBuilder AddSubscription<TEvent, THandler>(string? publisher = null)
        where TEvent : IMessage<TEvent>, new()
        where THandler : class, IEventHandler<TEvent>
    {
        subscriptions.Add<TEvent, THandler>(publisher);
        Services.TryAddScoped<THandler>();
        return this;
    }
}
