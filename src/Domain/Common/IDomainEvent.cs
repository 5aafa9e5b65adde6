namespace CleanUser.Domain.Common;

/// <summary>Something that happened to an aggregate, recorded by it and delivered after commit.</summary>
public interface IDomainEvent
{
    DateTimeOffset OccurredAt { get; }
}
