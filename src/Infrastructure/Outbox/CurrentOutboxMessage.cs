namespace CleanUser.Infrastructure.Outbox;

/// <summary>
/// The outbox row whose event the handlers of this scope are handling (set by <see cref="OutboxDelivery"/>): an identity
/// for the event that is the same on every delivery of the row, so a handler can tell a repeat (the webhook fan-out,
/// docs/adr/0020-webhooks.md). <c>null</c> outside the outbox.
/// </summary>
public sealed class CurrentOutboxMessage
{
    public long? Id { get; internal set; }
}
