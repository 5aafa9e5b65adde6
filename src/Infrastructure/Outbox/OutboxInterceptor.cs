using System.Data.Common;
using System.Runtime.CompilerServices;
using CleanUser.Domain.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace CleanUser.Infrastructure.Outbox;

/// <summary>
/// Writes the domain events of every tracked aggregate (<see cref="IHasDomainEvents"/>) to the outbox as part of the
/// save that stores the aggregate, so a row exists exactly when the change does (docs/adr/0005-outbox.md). The events
/// are cleared from the aggregates once the save succeeded; when it fails they stay and the rows are dropped, so a
/// retried save writes them again, once. After the rows are committed this process's dispatcher is woken.
/// </summary>
/// <remarks>
/// One instance serves every context of the container, so what a save is doing is kept per context, and what waits
/// for a commit per transaction; both are weak, and go with their context or transaction.
/// </remarks>
public sealed class OutboxInterceptor(OutboxSignal signal, TimeProvider time) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    private readonly ConditionalWeakTable<DbContext, Batch> _saving = [];
    private readonly ConditionalWeakTable<DbTransaction, object> _awaitingCommit = [];

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
        Saved(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        Saved(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        NotSaved(eventData.Context);
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        NotSaved(eventData.Context);
        return Task.CompletedTask;
    }

    public override void SaveChangesCanceled(DbContextEventData eventData)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        NotSaved(eventData.Context);
    }

    public override Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        NotSaved(eventData.Context);
        return Task.CompletedTask;
    }

    void IDbTransactionInterceptor.TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) =>
        Committed(transaction);

    Task IDbTransactionInterceptor.TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData,
        CancellationToken cancellationToken)
    {
        Committed(transaction);
        return Task.CompletedTask;
    }

    /// <summary>Adds one outbox row per recorded event to the save that is about to run.</summary>
    private void Write(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        var raising = context.ChangeTracker.Entries<IHasDomainEvents>()
            .Select(e => e.Entity)
            .Where(aggregate => aggregate.DomainEvents.Count > 0)
            .ToList();
        if (raising.Count == 0)
        {
            _saving.Remove(context);
            return;
        }

        var now = time.GetUtcNow();
        var messages = raising.SelectMany(aggregate => aggregate.DomainEvents).Select(e => OutboxMessage.For(e, now)).ToList();
        context.AddRange(messages);
        _saving.AddOrUpdate(context, new Batch(raising, messages));
    }

    private void Saved(DbContext? context)
    {
        if (context is null || !_saving.TryGetValue(context, out var batch))
        {
            return;
        }

        _saving.Remove(context);
        foreach (var aggregate in batch.Raising)
        {
            aggregate.ClearDomainEvents();
        }

        // Inside a transaction the rows are not there for the dispatcher until it commits; on their own they are.
        if (context.Database.CurrentTransaction?.GetDbTransaction() is { } transaction)
        {
            _awaitingCommit.AddOrUpdate(transaction, batch);
        }
        else
        {
            signal.Notify();
        }
    }

    /// <summary>The events stay on the aggregates; the rows are dropped, so a retry of the save writes them again, once.</summary>
    private void NotSaved(DbContext? context)
    {
        if (context is null || !_saving.TryGetValue(context, out var batch))
        {
            return;
        }

        _saving.Remove(context);
        // Detect first, for the reason AuditInterceptor gives where it drops its entries.
        context.ChangeTracker.DetectChanges();
        foreach (var message in batch.Messages)
        {
            context.Entry(message).State = EntityState.Detached;
        }
    }

    private void Committed(DbTransaction transaction)
    {
        if (_awaitingCommit.Remove(transaction))
        {
            signal.Notify();
        }
    }

    private sealed record Batch(IReadOnlyList<IHasDomainEvents> Raising, IReadOnlyList<OutboxMessage> Messages);
}
