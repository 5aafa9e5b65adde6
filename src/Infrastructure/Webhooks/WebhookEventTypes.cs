using CleanUser.Domain.Users.Events;

namespace CleanUser.Infrastructure.Webhooks;

/// <summary>The event types an endpoint may subscribe to (docs/webhooks.md), and the domain event each comes from.</summary>
public static class WebhookEventTypes
{
    /// <summary>A committed change of a profile (<see cref="UserUpdated"/>).</summary>
    public const string UserUpdated = "user.updated";

    public static readonly IReadOnlyList<string> All = [UserUpdated];

    /// <summary>The outbox type of the domain events webhooks are made from: their rows are fanned out in id order.</summary>
    internal static readonly string UserUpdatedOutboxType = typeof(UserUpdated).FullName!;
}
