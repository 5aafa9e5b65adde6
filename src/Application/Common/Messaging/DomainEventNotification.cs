using CleanUser.Domain.Common;
using MediatR;

namespace CleanUser.Application.Common.Messaging;

/// <summary>
/// Carries a domain event to MediatR notification handlers once the change that raised it has
/// committed. The domain stays free of MediatR; this wrapper is the bridge.
/// </summary>
public sealed record DomainEventNotification<TDomainEvent>(TDomainEvent DomainEvent) : INotification
    where TDomainEvent : IDomainEvent;

public static class DomainEventNotification
{
    public static INotification For(IDomainEvent domainEvent)
    {
        ArgumentNullException.ThrowIfNull(domainEvent);
        var type = typeof(DomainEventNotification<>).MakeGenericType(domainEvent.GetType());
        return (INotification)Activator.CreateInstance(type, domainEvent)!;
    }
}
