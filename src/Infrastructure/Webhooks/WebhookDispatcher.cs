using CleanUser.Infrastructure.Outbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CleanUser.Infrastructure.Webhooks;

/// <summary>
/// Sends webhook deliveries in the background, on the instances that dispatch the outbox (<c>Outbox:Enabled</c>). It
/// sends what is due, then sleeps until the first of: a fan-out or resend in this process (its signal), the earliest
/// retry, or the outbox's poll interval (deliveries queued by other instances, or left by one that stopped). Once an
/// hour it deletes the events past <c>Webhooks:RetentionDays</c>.
/// </summary>
public sealed partial class WebhookDispatcher(
    WebhookSender sender,
    [FromKeyedServices(WebhookDispatcher.SignalKey)] OutboxSignal signal,
    IOptions<OutboxOptions> outboxOptions,
    TimeProvider time,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    /// <summary>The key of this dispatcher's <see cref="OutboxSignal"/>.</summary>
    public const string SignalKey = "webhooks";

    /// <summary>How soon to look again when a delivery waits for an earlier event's fan-out.</summary>
    private static readonly TimeSpan FanOutWait = TimeSpan.FromMilliseconds(100);

    private static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(10);

    private static readonly TimeSpan PurgeInterval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = outboxOptions.Value;
        if (!settings.Enabled)
        {
            return;
        }

        await Task.Yield();
        var nextPurge = time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = settings.PollInterval;
            try
            {
                WebhookRound round;
                do
                {
                    // A delivery just made may be what a user's next event waited for.
                    round = await sender.DeliverDueAsync(stoppingToken).ConfigureAwait(false);
                }
                while (round.Claimed > 0);

                if (round.WaitingForFanOut && FanOutWait < wait)
                {
                    wait = FanOutWait;
                }

                if (await sender.NextAttemptAtAsync(stoppingToken).ConfigureAwait(false) is { } next && next - time.GetUtcNow() < wait)
                {
                    wait = next - time.GetUtcNow();
                }

                if (time.GetUtcNow() >= nextPurge)
                {
                    await sender.PurgeAsync(stoppingToken).ConfigureAwait(false);
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

            try
            {
                await signal.WaitAsync(wait > MinimumWait ? wait : MinimumWait, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    [LoggerMessage(LogLevel.Error, "A webhook delivery round failed; trying again after the poll interval")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);
}
