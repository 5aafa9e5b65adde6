namespace CleanUser.Infrastructure.Webhooks;

/// <summary>
/// One event as it is posted to every endpoint subscribed to it (docs/webhooks.md#body). Its id is the <c>event_id</c>:
/// the id of the outbox row of the domain event it was made from, so it is the same on every attempt and on a resend,
/// and for one user it grows in commit order. Kept only when an endpoint subscribed to it.
/// </summary>
public sealed class WebhookEvent
{
    private WebhookEvent()
    {
        Type = null!;
        Body = null!;
    }

    public long Id { get; private set; }

    public string Type { get; private set; }

    /// <summary>The user the event is about: deliveries of one user to one endpoint go in <see cref="Id"/> order.</summary>
    public long UserId { get; private set; }

    public DateTime CreatedAt { get; private set; }

    /// <summary>The JSON document posted, rendered once when the event was fanned out: every attempt sends these bytes.</summary>
    public string Body { get; private set; }

    public static WebhookEvent Create(long id, string type, long userId, DateTimeOffset created, string body) => new()
    {
        Id = id,
        Type = type,
        UserId = userId,
        CreatedAt = created.UtcDateTime,
        Body = body,
    };
}
