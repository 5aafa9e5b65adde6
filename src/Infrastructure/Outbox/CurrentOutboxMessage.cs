namespace CleanUser.Infrastructure.Outbox;

/// <summary>
/// The outbox row whose event the handlers of this scope are handling (set by <see cref="OutboxDelivery"/>): an identity
/// for the event that is the same on every delivery of the row, so a handler can tell a repeat (the webhook fan-out,
/// docs/adr/0020-webhooks.md). <c>null</c> outside the outbox.
/// </summary>
public sealed class CurrentOutboxMessage
{
    public long? Id { get; internal set; }

    /// <summary>
    /// The dispatch round delivering the row: the same for every row of one round, new every round, <c>null</c> outside
    /// the outbox. A fact a handler needs for every row may be read once per round (docs/adr/0028-webhook-endpoints-per-round.md).
    /// </summary>
    public string? Round { get; internal set; }
}
