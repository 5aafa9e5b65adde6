using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CleanUser.Infrastructure.Outbox;

/// <summary>
/// The loop of the background dispatchers (the outbox's, the webhooks'), on the instances where <c>Outbox:Enabled</c>:
/// a round of what is due, an hourly purge, then sleep until the first of its <see cref="OutboxSignal"/> (work made in
/// this process), the time the round asked for, or <c>Outbox:PollInterval</c> (work from other instances, or left by
/// one that stopped). A failed round is logged and tried again after that wait: the database may be briefly unavailable.
/// </summary>
public abstract partial class PollingDispatcher(
    OutboxSignal signal,
    IOptions<OutboxOptions> options,
    TimeProvider time,
    ILogger logger) : BackgroundService
{
    private static readonly TimeSpan PurgeInterval = TimeSpan.FromHours(1);

    private static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(10);

    /// <summary>What a failed round is called in the log ("An outbox dispatch round").</summary>
    protected abstract string RoundName { get; }

    protected TimeProvider Time => time;

    protected OutboxOptions Settings => options.Value;

    protected ILogger Logger => logger;

    /// <summary>Does what is due and returns how long to sleep: <paramref name="wait"/> or less.</summary>
    protected abstract Task<TimeSpan> RunRoundAsync(TimeSpan wait, CancellationToken cancellationToken);

    /// <summary>Deletes what is past its retention; once an hour.</summary>
    protected abstract Task PurgeAsync(CancellationToken cancellationToken);

    /// <summary>Called once when this instance does not dispatch.</summary>
    protected virtual void OnDisabled()
    {
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            OnDisabled();
            return;
        }

        // Let the host finish starting; work left by a stopped instance is picked up on the first round.
        await Task.Yield();
        var nextPurge = time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = settings.PollInterval;
            try
            {
                wait = await RunRoundAsync(wait, stoppingToken).ConfigureAwait(false);
                if (time.GetUtcNow() >= nextPurge)
                {
                    await PurgeAsync(stoppingToken).ConfigureAwait(false);
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
                LogRoundFailed(logger, RoundName, exception);
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

    [LoggerMessage(LogLevel.Error, "{Round} failed; trying again after the poll interval")]
    private static partial void LogRoundFailed(ILogger logger, string round, Exception exception);
}
