using CleanUser.Application.Audit;
using CleanUser.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CleanUser.Infrastructure.Audit;

/// <summary>Reads the audit trail; entries are written by <see cref="AuditInterceptor"/> with the changes.</summary>
public sealed class AuditTrail(CleanUserDbContext db) : IAuditTrail
{
    public async Task<IReadOnlyList<AuditEntryDto>> ReadAsync(long userId, int limit, CancellationToken cancellationToken)
    {
        var entries = await db.Set<AuditEntry>().AsNoTracking()
            .Where(e => e.UserId == userId)
            .OrderByDescending(e => e.Id)
            .Take(limit)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. entries.Select(e => e.ToDto())];
    }
}
