using CleanUser.Application.Common.Exceptions;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Infrastructure.Outbox;
using CleanUser.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CleanUser.Infrastructure.Webhooks;

/// <summary>
/// Puts events in front of the endpoints subscribed to them: the fan-out of a committed change (from the outbox, so at
/// least once: a repeat finds its event queued) and <c>webhook resend</c>. Each wakes this process's
/// <see cref="WebhookDispatcher"/>.
/// </summary>
public sealed class WebhookDeliveries(
    CleanUserDbContext db,
    IUnitOfWork unitOfWork,
    CurrentOutboxMessage outboxMessage,
    RoundEndpoints roundEndpoints,
    [FromKeyedServices(WebhookDispatcher.SignalKey)] OutboxSignal signal,
    TimeProvider time)
{
    /// <summary>
    /// The active endpoints subscribed to <paramref name="eventType"/>: in an outbox round, as the round read them at its
    /// first row (<see cref="RoundEndpoints"/>); otherwise (a resend) as they are now.
    /// </summary>
    public async Task<IReadOnlyList<long>> SubscribersAsync(string eventType, CancellationToken cancellationToken)
    {
        var round = outboxMessage.Round;
        if (round is null || roundEndpoints.Of(round) is not { } active)
        {
            active = await db.Set<WebhookEndpoint>().AsNoTracking().Where(e => e.IsActive).OrderBy(e => e.Id)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            if (round is not null)
            {
                roundEndpoints.Keep(round, active);
            }
        }

        return active.Where(e => e.Subscribes(eventType)).Select(e => e.Id).ToList();
    }

    /// <summary>Whether the event was fanned out already (a repeat of its outbox row).</summary>
    public Task<bool> IsQueuedAsync(long eventId, CancellationToken cancellationToken) =>
        db.Set<WebhookEvent>().AnyAsync(e => e.Id == eventId, cancellationToken);

    /// <summary>Stores the event and one delivery per endpoint, in one save.</summary>
    public async Task QueueAsync(WebhookEvent webhookEvent, IReadOnlyList<long> endpointIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpointIds);
        var now = time.GetUtcNow();
        db.Add(webhookEvent);
        db.AddRange(endpointIds.Select(id => WebhookDelivery.Queue(webhookEvent, id, now)));
        await unitOfWork.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        signal.Notify();
    }

    /// <summary>
    /// <c>webhook resend EVENT_ID</c>: the stored event, with its <c>event_id</c> and body, to every endpoint active and
    /// subscribed to its type now — due at once, with a fresh schedule of retries. Returns those endpoints' ids.
    /// </summary>
    public async Task<IReadOnlyList<long>> ResendAsync(long eventId, CancellationToken cancellationToken)
    {
        var webhookEvent = await db.Set<WebhookEvent>().AsNoTracking().SingleOrDefaultAsync(e => e.Id == eventId, cancellationToken)
                               .ConfigureAwait(false)
                           ?? throw new NotFoundException("webhook event", eventId);
        var endpoints = await SubscribersAsync(webhookEvent.Type, cancellationToken).ConfigureAwait(false);
        var deliveries = await db.Set<WebhookDelivery>().Where(d => d.EventId == eventId)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        foreach (var endpointId in endpoints)
        {
            if (deliveries.Find(d => d.EndpointId == endpointId) is { } delivery)
            {
                delivery.Requeue(now);
            }
            else
            {
                db.Add(WebhookDelivery.Queue(webhookEvent, endpointId, now));
            }
        }

        await unitOfWork.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        signal.Notify();
        return endpoints;
    }
}
