using System.Text.Json;
using CleanUser.Application.Common.Messaging;
using CleanUser.Application.Users;
using CleanUser.Application.Users.Queries.GetUser;
using CleanUser.Domain.Users.Events;
using CleanUser.Infrastructure.Outbox;
using CleanUser.Infrastructure.Webhooks;
using CleanUser.WebApi.Infrastructure;
using MediatR;

namespace CleanUser.WebApi.Webhooks;

/// <summary>
/// The fan-out of a committed profile change (docs/adr/0020-webhooks.md): from the outbox, after commit, one
/// <c>user.updated</c> event for the endpoints subscribed to it, its body rendered once, here, from the user as stored
/// now and exactly as GET shows it. Its <c>event_id</c> is the outbox row's id, so a repeat of the row finds it queued.
/// It lives with the wire format it renders.
/// </summary>
public sealed class UserUpdatedWebhook(CurrentOutboxMessage outboxMessage, WebhookDeliveries deliveries, IMediator mediator)
    : INotificationHandler<DomainEventNotification<UserUpdated>>
{
    public async Task Handle(DomainEventNotification<UserUpdated> notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var eventId = outboxMessage.Id ?? throw new InvalidOperationException("A webhook is made only from an outbox row.");
        var endpoints = await deliveries.SubscribersAsync(WebhookEventTypes.UserUpdated, cancellationToken).ConfigureAwait(false);
        if (endpoints.Count == 0 || await deliveries.IsQueuedAsync(eventId, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var change = notification.DomainEvent;
        var user = await mediator.Send(new GetUserQuery(change.UserId), cancellationToken).ConfigureAwait(false);
        var body = JsonSerializer.Serialize(
            new WebhookBody(eventId, WebhookEventTypes.UserUpdated, UnixSeconds(change.OccurredAt), user), WireJson.Options);
        await deliveries.QueueAsync(WebhookEvent.Create(eventId, WebhookEventTypes.UserUpdated, change.UserId, change.OccurredAt, body),
            endpoints, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Seconds since 1970 with their fraction (microseconds), as SelfCommunity's <c>created</c> is.</summary>
    private static double UnixSeconds(DateTimeOffset time) =>
        Math.Round((time - DateTimeOffset.UnixEpoch).Ticks / (double)TimeSpan.TicksPerSecond, 6);

    /// <summary>docs/webhooks.md#body: <c>{"event_id", "type", "created", "data"}</c>.</summary>
    private sealed record WebhookBody(long EventId, string Type, double Created, UserDto Data);
}
