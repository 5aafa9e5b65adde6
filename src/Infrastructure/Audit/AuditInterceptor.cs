using System.Runtime.CompilerServices;
using CleanUser.Application.Audit;
using CleanUser.Application.Common.Security;
using CleanUser.Domain.Users;
using CleanUser.Domain.Users.Events;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CleanUser.Infrastructure.Audit;

/// <summary>
/// Writes one <see cref="AuditEntry"/> per <see cref="UserUpdated"/> of the users a save stores, as part of that save — so
/// in the change's transaction, and derived from the same event the outbox carries (docs/adr/0019-audit-trail.md). When
/// the save fails the entries are dropped with it; the events stay on the users, so a retried save writes them again,
/// once (as <see cref="Outbox.OutboxInterceptor"/> does with its rows).
/// </summary>
/// <remarks>
/// The entry names who made the change and from where: the <see cref="ChangeOrigin"/> of the scope the context serves,
/// attached when the scope rents the context (<see cref="Attach"/>; contexts are pooled and interceptors shared, so the
/// scope cannot be asked otherwise). A context no scope rented — a hand-made one — writes as the system, from a module.
/// </remarks>
public sealed class AuditInterceptor : SaveChangesInterceptor
{
    private static readonly ChangeOrigin Unattached = new(new CurrentCaller());

    private readonly ConditionalWeakTable<DbContext, ChangeOrigin> _origins = [];
    private readonly ConditionalWeakTable<DbContext, List<AuditEntry>> _saving = [];

    /// <summary>Makes <paramref name="origin"/> the origin of what <paramref name="context"/> saves until another scope rents it.</summary>
    public TContext Attach<TContext>(TContext context, ChangeOrigin origin)
        where TContext : DbContext
    {
        _origins.AddOrUpdate(context, origin);
        return context;
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        Write(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        Write(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        Forget(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        Forget(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        Drop(eventData.Context);
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        Drop(eventData.Context);
        return Task.CompletedTask;
    }

    public override void SaveChangesCanceled(DbContextEventData eventData)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        Drop(eventData.Context);
    }

    public override Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        Drop(eventData.Context);
        return Task.CompletedTask;
    }

    private void Write(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        var changes = context.ChangeTracker.Entries<User>()
            .SelectMany(entry => entry.Entity.DomainEvents.OfType<UserUpdated>())
            .ToList();
        if (changes.Count == 0)
        {
            _saving.Remove(context);
            return;
        }

        var origin = _origins.TryGetValue(context, out var attached) ? attached : Unattached;
        var entries = changes.Select(updated => AuditEntry.For(updated, origin)).ToList();
        context.AddRange(entries);
        _saving.AddOrUpdate(context, entries);
    }

    private void Forget(DbContext? context)
    {
        if (context is not null)
        {
            _saving.Remove(context);
        }
    }

    private void Drop(DbContext? context)
    {
        if (context is null || !_saving.TryGetValue(context, out var entries))
        {
            return;
        }

        _saving.Remove(context);
        // Detect first (the save itself detects only once, see CleanUserDbContext): without it a dropped row stayed known
        // to the tracker under the key the database gave it before the failing statement, and the retry's row, which the
        // rolled-back database gives the same key, clashed with it (AuditRetryTests, OutboxWriteTests).
        context.ChangeTracker.DetectChanges();
        foreach (var entry in entries)
        {
            context.Entry(entry).State = EntityState.Detached;
        }
    }
}
