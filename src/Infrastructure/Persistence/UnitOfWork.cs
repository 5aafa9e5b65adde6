using CleanUser.Application.Common.Exceptions;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Domain.Users;
using CleanUser.Infrastructure.Persistence.Configurations;
using CleanUser.Infrastructure.Persistence.Providers;
using Microsoft.EntityFrameworkCore;
using IDbContextTransaction = Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.Logging;

namespace CleanUser.Infrastructure.Persistence;

/// <summary>
/// One transaction per command, run through the database's execution strategy. Side effects outside the database
/// (stored files) are undone when the work does not commit. Failures of a save come out as the application's
/// exceptions: a row that changed underneath is a concurrency conflict, the username index refusing a name is
/// "taken", the skeleton index refusing it "similar", a database that cannot serve now (busy, full, read-only, unreachable; the provider says which) is
/// <see cref="ServiceUnavailableException"/> — after the rollback, with nothing written. The domain events of what is
/// saved go to the outbox with it (<see cref="Outbox.OutboxInterceptor"/>).
/// </summary>
public sealed partial class UnitOfWork(
    CleanUserDbContext db,
    IDatabaseProvider provider,
    ILogger<UnitOfWork> logger) : IUnitOfWork
{
    private readonly List<Func<CancellationToken, Task>> _rollbacks = [];

    private IDisposable? _turn;
    private IDisposable? _commandOnUser;
    private IDbContextTransaction? _transaction;
    private bool _running;

    /// <summary>Whether the running attempt (or the save of its own) wrote a row: only then is there a commit to sync.</summary>
    private bool _wrote;

    public async Task SaveChangesAsync(CancellationToken cancellationToken)
    {
        if (_running || db.Database.CurrentTransaction is not null)
        {
            await BeginWritingAsync(cancellationToken).ConfigureAwait(false);
            await SaveAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        // A save of its own commits or fails right here; it queues with the other writers of this process.
        _wrote = false;
        try
        {
            using (await provider.EnterWriteTurnAsync(cancellationToken).ConfigureAwait(false))
            {
                await SaveAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception exception)
        {
            await RollBackSideEffectsAsync().ConfigureAwait(false);
            if (provider.IsUnavailable(exception))
            {
                throw DatabaseFailures.Unavailable(exception, logger);
            }

            throw;
        }

        _rollbacks.Clear();
        if (_wrote)
        {
            await SyncedAsync().ConfigureAwait(false);
        }
    }

    public bool InTransaction => _running || db.Database.CurrentTransaction is not null;

    public void OnRollback(Func<CancellationToken, Task> undo)
    {
        ArgumentNullException.ThrowIfNull(undo);
        _rollbacks.Add(undo);
    }

    public Task<T> ExecuteInTransactionAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken) =>
        RunAsync(operation, atFirstWrite: false, cancellationToken);

    public Task<T> ExecuteCommandAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken) =>
        RunAsync(operation, atFirstWrite: true, cancellationToken);

    /// <summary>
    /// Before a command loads the user it changes: counts it as at that user for the rest of the attempt, and begins the
    /// transaction now unless the database lets it load first (<see cref="IDatabaseProvider.EnterCommandOnUser"/>).
    /// </summary>
    internal async Task BeforeLoadingUserAsync(long userId, CancellationToken cancellationToken)
    {
        if (!_running || _commandOnUser is not null)
        {
            return;
        }

        (_commandOnUser, var loadFirst) = provider.EnterCommandOnUser(userId);
        if (!loadFirst)
        {
            await BeginWritingAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> operation, bool atFirstWrite, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        if (InTransaction)
        {
            // Work of a running unit joins it; what it writes is written in the unit's transaction.
            if (!atFirstWrite)
            {
                _wrote = true;
                await BeginWritingAsync(cancellationToken).ConfigureAwait(false);
            }

            return await operation(cancellationToken).ConfigureAwait(false);
        }

        var strategy = db.Database.CreateExecutionStrategy();
        var committedWrites = false;
        T result;
        try
        {
            result = await strategy.ExecuteAsync(async ct =>
            {
                // Every attempt starts from what the database holds now, not from a previous attempt's entities.
                db.ChangeTracker.Clear();
                try
                {
                    try
                    {
                        _running = true;
                        _wrote = !atFirstWrite;
                        if (!atFirstWrite)
                        {
                            await BeginWritingAsync(ct).ConfigureAwait(false);
                        }

                        var value = await operation(ct).ConfigureAwait(false);
                        if (_transaction is not null)
                        {
                            await _transaction.CommitAsync(ct).ConfigureAwait(false);
                            committedWrites = _wrote;
                        }

                        return value;
                    }
                    finally
                    {
                        // The transaction is rolled back unless it committed; the turn is let go.
                        await EndAttemptAsync().ConfigureAwait(false);
                    }
                }
                catch
                {
                    // Before any retry of the strategy: each attempt undoes its own side effects.
                    await RollBackSideEffectsAsync().ConfigureAwait(false);
                    throw;
                }
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (provider.IsUnavailable(exception))
        {
            // Only now, after the strategy's last retry (PostgreSQL retries transient failures itself).
            throw DatabaseFailures.Unavailable(exception, logger);
        }

        _rollbacks.Clear();
        if (committedWrites)
        {
            await SyncedAsync().ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>
    /// Once the work committed, before anyone hears of it: the commit on disk (docs/adr/0027-group-sync.md). Past the
    /// commit, so a failed sync undoes no side effect (the change may or may not survive a power loss); it is a 503.
    /// </summary>
    private async Task SyncedAsync()
    {
        try
        {
            await provider.WhenSyncedAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (provider.IsUnavailable(exception))
        {
            throw DatabaseFailures.Unavailable(exception, logger);
        }
    }

    /// <summary>
    /// The running attempt's transaction, begun now if it has not begun yet: one turn of this process's writers (SQLite:
    /// one at a time, see SqliteProvider), held until the attempt ends.
    /// </summary>
    private async Task BeginWritingAsync(CancellationToken cancellationToken)
    {
        if (!_running || _transaction is not null)
        {
            return;
        }

        _turn = await provider.EnterWriteTurnAsync(cancellationToken).ConfigureAwait(false);
        _transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task EndAttemptAsync()
    {
        _running = false;
        var (transaction, turn, commandOnUser) = (_transaction, _turn, _commandOnUser);
        (_transaction, _turn, _commandOnUser) = (null, null, null);
        try
        {
            if (transaction is not null)
            {
                await transaction.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            turn?.Dispose();
            commandOnUser?.Dispose();
        }
    }

    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        try
        {
            _wrote |= await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false) > 0;
        }
        catch (DbUpdateConcurrencyException exception)
        {
            // The transaction behavior runs the command again, or answers 412 when the client pinned a version.
            throw new ConcurrencyConflictException(exception);
        }
        catch (DbUpdateException exception) when (provider.IsUniqueViolation(exception, UserIndex(UserConfiguration.NormalizedUsernameIndex)))
        {
            // Two requests passed the uniqueness check at once; the index let one win.
            throw new UsernameAlreadyTakenException();
        }
        catch (DbUpdateException exception) when (provider.IsUniqueViolation(exception, UserIndex(UserConfiguration.UniqueUsernameSkeletonIndex)))
        {
            // Two requests for names that look alike passed the check at once (docs/adr/0017-username-policy.md).
            throw new UsernameAlreadyTakenException(UsernameAlreadyTakenException.LookAlike);
        }
    }

    private IReadOnlyIndex UserIndex(string name) =>
        db.Model.FindEntityType(typeof(User))!.GetIndexes().Single(index => index.GetDatabaseName() == name);

    private async Task RollBackSideEffectsAsync()
    {
        var undos = _rollbacks.ToList();
        _rollbacks.Clear();
        foreach (var undo in undos)
        {
            try
            {
                // Not the request's token: a cancelled request is a common reason to get here.
                await undo(CancellationToken.None).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // The original failure is what the caller must see; a failed undo is logged.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                LogUndoFailed(logger, exception);
            }
        }
    }

    [LoggerMessage(LogLevel.Error, "Undoing a side effect of a change that did not commit failed")]
    private static partial void LogUndoFailed(ILogger logger, Exception exception);
}
