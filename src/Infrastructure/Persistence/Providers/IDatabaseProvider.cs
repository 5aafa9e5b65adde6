using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;

namespace CleanUser.Infrastructure.Persistence.Providers;

/// <summary>
/// Everything that differs between the databases the service runs on, in one place per database: how the context
/// connects, which context type owns the migrations, how a refused unique index looks, which failures mean "try again
/// later", whether it takes writes, how a command locks what it changes, and what a migration needs around it. The rest
/// of the persistence code asks this and never checks which database it is on. One instance per container, chosen by
/// <c>Database:Provider</c> (<see cref="DatabaseConfiguration"/>).
/// </summary>
public interface IDatabaseProvider
{
    /// <summary>Points <paramref name="options"/> at the configured database (connection, retries, provider interceptors).</summary>
    void Configure(DbContextOptionsBuilder options);

    /// <summary>
    /// A pool of contexts for this database on <paramref name="options"/>: each call rents one, disposing it gives it
    /// back. Each database has its own migrations, so its own context type (docs/adr/0006-postgresql.md); callers see
    /// it as <see cref="CleanUserDbContext"/>.
    /// </summary>
    Func<CleanUserDbContext> CreateContextPool(DbContextOptions<CleanUserDbContext> options);

    /// <summary>Whether the write failed because the unique <paramref name="index"/> refused it (and nothing else did).</summary>
    bool IsUniqueViolation(DbUpdateException exception, IReadOnlyIndex index);

    /// <summary>
    /// Whether <paramref name="exception"/>, or an exception it wraps, is the database saying it cannot serve right now —
    /// busy or locked past the wait, full, read-only, failing I/O, unreachable — rather than refusing this request. Such
    /// a failure is a 503 with <c>Retry-After</c>, never a 500 (<see cref="DatabaseFailures"/>; the codes per database are
    /// listed in docs/security.md#infrastructure-failures).
    /// </summary>
    bool IsUnavailable(Exception exception);

    /// <summary>
    /// Whether the database would take a write now (readiness, docs/operations.md#health): false when it would refuse
    /// one (read-only, full, locked past the wait); a database it cannot reach at all may throw instead. Leaves nothing
    /// changed.
    /// </summary>
    Task<bool> TakesWritesAsync(DatabaseFacade database, CancellationToken cancellationToken);

    /// <summary>
    /// Waits for this process's turn to write, and holds it until the result is disposed. The unit of work holds a
    /// turn around each write transaction. A database that queues writers itself gives every caller a turn at once.
    /// </summary>
    Task<IDisposable> EnterWriteTurnAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Completes once every commit of a turn this process ended before the call is on disk; at once on a database
    /// whose commit syncs itself. Anything that acts on a commit outside the database (an answer, a webhook, a deleted
    /// file) waits for this first (docs/adr/0027-group-sync.md).
    /// </summary>
    Task WhenSyncedAsync();

    /// <summary>
    /// Called when a command whose transaction may begin late (<see cref="UnitOfWork.ExecuteCommandAsync{T}"/>) is about
    /// to load the user it changes. Says whether it may load the user before its transaction begins, outside this
    /// process's turn at writing, and counts the command as at that user until the returned claim is disposed (when
    /// the unit of work ends). docs/adr/0026-reads-before-the-write-turn.md.
    /// </summary>
    (IDisposable Claim, bool LoadBeforeTransaction) EnterCommandOnUser(long userId);

    /// <summary>
    /// Called inside a command's transaction before the user it changes is loaded: when this returns, no other
    /// command can change that user until the transaction ends.
    /// </summary>
    Task LockUserForUpdateAsync(DatabaseFacade database, long userId, CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="statement"/>, a query with one parameter <c>@id</c>, outside any transaction, and hands its
    /// rows to <paramref name="read"/>: what a query reads is the database as committed now. How the statement reaches
    /// the database is the provider's (SQLite keeps it prepared on connections of its own, docs/adr/0025-read-model.md).
    /// </summary>
    Task<T> ReadAsync<T>(DatabaseFacade database, string statement, long id, Func<DbDataReader, CancellationToken, Task<T>> read,
        CancellationToken cancellationToken);

    /// <summary>
    /// Brings the database to the newest migration, with whatever the database needs around that. Returns the ids of
    /// the migrations that were pending before (so applied now, or by another instance at the same moment).
    /// </summary>
    Task<IReadOnlyList<string>> MigrateAsync(DatabaseFacade database, CancellationToken cancellationToken);
}
