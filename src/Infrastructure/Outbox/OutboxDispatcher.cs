using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CleanUser.Infrastructure.Outbox;

/// <summary>
/// Delivers outbox rows in the background (docs/api.md#events). It drains what is due, then sleeps until the first of: a
/// signal from this process's unit of work (an event just committed), the earliest retry after a back-off, or
/// the poll interval (rows from other instances, or left by one that stopped). Idle, that is one small query
/// per poll interval.
/// </summary>
public sealed partial class OutboxDispatcher(
    OutboxDelivery delivery,
    OutboxSignal signal,
    IOptions<OutboxOptions> options,
    TimeProvider time,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private static readonly TimeSpan PurgeInterval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            LogDisabled(logger);
            return;
        }

        // Let the host finish starting; rows left by a stopped instance are picked up on the first round.
        await Task.Yield();
        var nextPurge = time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = settings.PollInterval;
            try
            {
                while (await delivery.DeliverDueAsync(stoppingToken).ConfigureAwait(false) >= settings.BatchSize)
                {
                    // A full batch: there may be more due right now.
                }

                if (await delivery.NextRetryAtAsync(stoppingToken).ConfigureAwait(false) is { } retryAt)
                {
                    var untilRetry = retryAt - time.GetUtcNow();
                    wait = untilRetry < wait ? untilRetry : wait;
                }

                if (time.GetUtcNow() >= nextPurge)
                {
                    await delivery.PurgeDeliveredAsync(stoppingToken).ConfigureAwait(false);
                    nextPurge = time.GetUtcNow() + PurgeInterval;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The database may be briefly unavailable; the dispatcher tries again on the next poll.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                LogRoundFailed(logger, exception);
            }

            var minimum = TimeSpan.FromMilliseconds(10);
            try
            {
                await signal.WaitAsync(wait > minimum ? wait : minimum, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    [LoggerMessage(LogLevel.Information, "Outbox dispatch is disabled on this instance (Outbox:Enabled=false)")]
    private static partial void LogDisabled(ILogger logger);

    [LoggerMessage(LogLevel.Error, "An outbox dispatch round failed; trying again after the poll interval")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);
}
