using System.Text.Json;
using CleanUser.Domain.Common;

namespace CleanUser.Infrastructure.Outbox;

/// <summary>
/// A domain event waiting for delivery (docs/api.md#events), written in the same transaction as the change that raised it.
/// Times are UTC. A row is pending until <see cref="ProcessedAt"/> is set; while a dispatcher works on it,
/// <see cref="LockedUntil"/> / <see cref="LockedBy"/> hold its lease.
/// </summary>
public sealed class OutboxMessage
{
    private OutboxMessage()
    {
        Type = null!;
        Payload = null!;
    }

    public long Id { get; private set; }

    /// <summary>The event's type name (<see cref="System.Type.FullName"/>), resolved against the domain's events only.</summary>
    public string Type { get; private set; }

    /// <summary>The event as JSON.</summary>
    public string Payload { get; private set; }

    public DateTime OccurredAt { get; private set; }

    public DateTime CreatedAt { get; private set; }

    /// <summary>Delivery attempts that finished, failed ones and the successful one.</summary>
    public int Attempts { get; private set; }

    public string? LastError { get; private set; }

    /// <summary>Not before this time: the back-off after a failure.</summary>
    public DateTime NextAttemptAt { get; private set; }

    public DateTime? ProcessedAt { get; private set; }

    public DateTime? LockedUntil { get; private set; }

    public string? LockedBy { get; private set; }

    public static OutboxMessage For(IDomainEvent domainEvent, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(domainEvent);
        return new OutboxMessage
        {
            Type = domainEvent.GetType().FullName!,
            Payload = JsonSerializer.Serialize(domainEvent, domainEvent.GetType(), OutboxEventTypes.Json),
            OccurredAt = domainEvent.OccurredAt.UtcDateTime,
            CreatedAt = now.UtcDateTime,
            NextAttemptAt = now.UtcDateTime,
        };
    }
}
