namespace CleanUser.Infrastructure.Webhooks;

/// <summary>
/// One event to one endpoint, until it is delivered or given up (docs/webhooks.md#delivery). Times are UTC. While a
/// dispatcher sends it, <see cref="LockedUntil"/> / <see cref="LockedBy"/> hold its lease, so instances sharing the
/// database never send it twice at once.
/// </summary>
public sealed class WebhookDelivery
{
    private WebhookDelivery()
    {
        Event = null!;
        Endpoint = null!;
    }

    public long Id { get; private set; }

    public long EventId { get; private set; }

    public WebhookEvent Event { get; private set; }

    public long EndpointId { get; private set; }

    public WebhookEndpoint Endpoint { get; private set; }

    /// <summary>The event's user (copied, so the order check needs no join).</summary>
    public long UserId { get; private set; }

    public WebhookDeliveryState State { get; private set; }

    /// <summary>Attempts since it was queued (or queued again by a resend); they decide the back-off.</summary>
    public int Attempts { get; private set; }

    public DateTime NextAttemptAt { get; private set; }

    public DateTime? LockedUntil { get; private set; }

    public string? LockedBy { get; private set; }

    public static WebhookDelivery Queue(WebhookEvent webhookEvent, long endpointId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(webhookEvent);
        return new WebhookDelivery
        {
            EventId = webhookEvent.Id,
            EndpointId = endpointId,
            UserId = webhookEvent.UserId,
            State = WebhookDeliveryState.Pending,
            NextAttemptAt = now.UtcDateTime,
        };
    }

    /// <summary><c>webhook resend</c>: pending again, due now, with a fresh schedule of retries.</summary>
    public void Requeue(DateTimeOffset now)
    {
        State = WebhookDeliveryState.Pending;
        Attempts = 0;
        NextAttemptAt = now.UtcDateTime;
    }
}

public enum WebhookDeliveryState
{
    /// <summary>Due at <see cref="WebhookDelivery.NextAttemptAt"/>: not tried yet, or waiting out a back-off.</summary>
    Pending,

    Delivered,

    /// <summary>Every attempt failed; only <c>webhook resend</c> sends it again.</summary>
    Failed,

    /// <summary>The endpoint was removed before the event reached it.</summary>
    Cancelled,
}
