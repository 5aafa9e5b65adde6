namespace CleanUser.Domain.Common;

/// <summary>
/// An aggregate that records domain events. Whatever saves it writes the events down in the same transaction as the
/// change (the outbox, docs/adr/0005-outbox.md) and then clears them; when the save fails they stay, so a retry
/// writes them again, once.
/// </summary>
public interface IHasDomainEvents
{
    IReadOnlyList<IDomainEvent> DomainEvents { get; }

    void ClearDomainEvents();
}
