using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EfaPlatform.Messaging.Outbox;

/// <summary>Runs the relay for the life of the service: publishes while there is work, polls when there is none.</summary>
internal sealed partial class OutboxRelayService(OutboxRelay relay, IOptions<MessagingOptions> options, ILogger<OutboxRelayService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.RelayEnabled)
        {
            return;
        }

        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var published = await relay.PublishPendingAsync(stoppingToken);
                failures = 0;
                if (published < options.Value.RelayBatchSize)
                {
                    await Task.Delay(options.Value.RelayPollInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                failures++;
                LogRelayFailed(logger, e, failures);
                await Task.Delay(Backoff.For(failures, options.Value.RetryDelay, options.Value.MaxRetryDelay), stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox relay failed ({Failures} in a row); retrying")]
    private static partial void LogRelayFailed(ILogger logger, Exception exception, int failures);
}
