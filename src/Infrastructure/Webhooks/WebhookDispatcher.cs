using CleanUser.Infrastructure.Outbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CleanUser.Infrastructure.Webhooks;

/// <summary>
/// Sends webhook deliveries in the background, on the instances that dispatch the outbox (<c>Outbox:Enabled</c>). It
/// sends what is due, then sleeps until the first of: a fan-out or resend in this process (its signal), the earliest
/// retry, or the outbox's poll interval (deliveries queued by other instances, or left by one that stopped). Once an
/// hour it deletes the events past <c>Webhooks:RetentionDays</c>.
/// </summary>
public sealed class WebhookDispatcher(
    WebhookSender sender,
    [FromKeyedServices(WebhookDispatcher.SignalKey)] OutboxSignal signal,
    IOptions<OutboxOptions> outboxOptions,
    TimeProvider time,
    ILogger<WebhookDispatcher> logger) : PollingDispatcher(signal, outboxOptions, time, logger)
{
    /// <summary>The key of this dispatcher's <see cref="OutboxSignal"/>.</summary>
    public const string SignalKey = "webhooks";

    /// <summary>How soon to look again when a delivery waits for an earlier event's fan-out.</summary>
    private static readonly TimeSpan FanOutWait = TimeSpan.FromMilliseconds(100);

    protected override string RoundName => "A webhook delivery round";

    protected override async Task<TimeSpan> RunRoundAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        WebhookRound round;
        do
        {
            // A delivery just made may be what a user's next event waited for.
            round = await sender.DeliverDueAsync(cancellationToken).ConfigureAwait(false);
        }
        while (round.Claimed > 0);

        if (round.WaitingForFanOut && FanOutWait < wait)
        {
            wait = FanOutWait;
        }

        return await sender.NextAttemptAtAsync(cancellationToken).ConfigureAwait(false) is { } next && next - Time.GetUtcNow() < wait
            ? next - Time.GetUtcNow()
            : wait;
    }

    protected override Task PurgeAsync(CancellationToken cancellationToken) => sender.PurgeAsync(cancellationToken);
}
