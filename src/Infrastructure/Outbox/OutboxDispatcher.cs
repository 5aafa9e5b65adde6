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
    ILogger<OutboxDispatcher> logger) : PollingDispatcher(signal, options, time, logger)
{
    protected override string RoundName => "An outbox dispatch round";

    protected override async Task<TimeSpan> RunRoundAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        while (await delivery.DeliverDueAsync(cancellationToken).ConfigureAwait(false) >= Settings.BatchSize)
        {
            // A full batch: there may be more due right now.
        }

        return await delivery.NextRetryAtAsync(cancellationToken).ConfigureAwait(false) is { } retryAt && retryAt - Time.GetUtcNow() < wait
            ? retryAt - Time.GetUtcNow()
            : wait;
    }

    protected override Task PurgeAsync(CancellationToken cancellationToken) => delivery.PurgeDeliveredAsync(cancellationToken);

    protected override void OnDisabled() => LogDisabled(Logger);

    [LoggerMessage(LogLevel.Information, "Outbox dispatch is disabled on this instance (Outbox:Enabled=false)")]
    private static partial void LogDisabled(ILogger logger);
}
