using CleanUser.Application.Common.Exceptions;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Domain.Users;
using CleanUser.Infrastructure.Outbox;
using CleanUser.Infrastructure.Persistence.Configurations;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CleanUser.Infrastructure.Persistence;

/// <summary>
/// One transaction per command. The domain events of what it saves are written to the outbox in that same
/// transaction (SPEC §8): they exist exactly when the change does, and the <see cref="OutboxDispatcher"/>
/// delivers them after commit — at once when this process is told, or later by any instance. Side effects
/// outside the database (stored files) are undone when the work does not commit.
/// </summary>
public sealed partial class UnitOfWork(
    CleanUserDbContext db,
    OutboxSignal outboxSignal,
    TimeProvider time,
    ILogger<UnitOfWork> logger) : IUnitOfWork
{
    /// <summary>SQLITE_CONSTRAINT_UNIQUE.</summary>
    private const int SqliteUniqueConstraintFailed = 2067;

    private readonly List<Func<CancellationToken, Task>> _rollbacks = [];
    private bool _outboxWritten;

    public async Task SaveChangesAsync(CancellationToken cancellationToken)
    {
        var raising = db.ChangeTracker.Entries<User>().Select(e => e.Entity).Where(u => u.DomainEvents.Count > 0).ToList();
        var now = time.GetUtcNow();
        var messages = raising.SelectMany(u => u.DomainEvents).Select(e => OutboxMessage.For(e, now)).ToList();
        db.OutboxMessages.AddRange(messages);
        try
        {
            await SaveAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // The events stay on the aggregates; a retry of the operation writes them again, once.
            foreach (var message in messages)
            {
                db.Entry(message).State = EntityState.Detached;
            }

            if (db.Database.CurrentTransaction is null)
            {
                await RollBackSideEffectsAsync().ConfigureAwait(false);
            }

            throw;
        }

        foreach (var user in raising)
        {
            user.ClearDomainEvents();
        }

        _outboxWritten |= messages.Count > 0;
        if (db.Database.CurrentTransaction is null)
        {
            Committed();
        }
    }

    public bool InTransaction => db.Database.CurrentTransaction is not null;

    public void OnRollback(Func<CancellationToken, Task> undo)
    {
        ArgumentNullException.ThrowIfNull(undo);
        _rollbacks.Add(undo);
    }

    public async Task<T> ExecuteInTransactionAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        if (db.Database.CurrentTransaction is not null)
        {
            return await operation(cancellationToken).ConfigureAwait(false);
        }

        var strategy = db.Database.CreateExecutionStrategy();
        var result = await strategy.ExecuteAsync(async ct =>
        {
            // Every attempt starts from what the database holds now, not from a previous attempt's entities.
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
            try
            {
                var value = await operation(ct).ConfigureAwait(false);
                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return value;
            }
            catch
            {
                // Before any retry of the strategy: each attempt undoes its own side effects.
                _outboxWritten = false;
                await RollBackSideEffectsAsync().ConfigureAwait(false);
                throw;
            }
        }, cancellationToken).ConfigureAwait(false);

        Committed();
        return result;
    }

    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateConcurrencyException exception)
        {
            // The transaction behavior runs the command again, or answers 412 when the client pinned a version.
            throw new ConcurrencyConflictException(exception);
        }
        catch (DbUpdateException exception) when (IsUsernameTaken(exception))
        {
            // Two requests passed the uniqueness check at once; the index let one win.
            throw new UsernameAlreadyTakenException();
        }
    }

    private void Committed()
    {
        _rollbacks.Clear();
        if (_outboxWritten)
        {
            _outboxWritten = false;
            outboxSignal.Notify();
        }
    }

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

    /// <summary>The unique index on the normalised username refused the write (and no other constraint did).</summary>
    private static bool IsUsernameTaken(DbUpdateException exception) => exception.InnerException switch
    {
        // PostgreSQL names the violated index; its SQLSTATE says what kind of violation it was.
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } postgres =>
            postgres.ConstraintName == UserConfiguration.NormalizedUsernameIndex,
        // SQLite reports neither the index nor the state, only "UNIQUE constraint failed: Users.NormalizedUsername".
        SqliteException { SqliteExtendedErrorCode: SqliteUniqueConstraintFailed } sqlite =>
            sqlite.Message.Contains("Users." + UserConfiguration.NormalizedUsername, StringComparison.Ordinal),
        _ => false,
    };

    [LoggerMessage(LogLevel.Error, "Undoing a side effect of a change that did not commit failed")]
    private static partial void LogUndoFailed(ILogger logger, Exception exception);
}
