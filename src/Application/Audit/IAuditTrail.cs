namespace CleanUser.Application.Audit;

/// <summary>The stored audit entries (docs/security.md#audit-trail); they are written with the changes themselves.</summary>
public interface IAuditTrail
{
    /// <summary>The newest <paramref name="limit"/> entries of a user, newest first; images as their storage keys.</summary>
    Task<IReadOnlyList<AuditEntryDto>> ReadAsync(long userId, int limit, CancellationToken cancellationToken);
}
