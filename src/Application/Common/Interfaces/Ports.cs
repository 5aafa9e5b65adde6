using CleanUser.Application.Users;
using CleanUser.Domain.Users;

namespace CleanUser.Application.Common.Interfaces;

public interface IUserRepository
{
    /// <summary>
    /// The user with its tags, tracked for changes; <c>null</c> when there is none. Inside a command's transaction the
    /// row is locked (PostgreSQL), and a user already loaded in the unit of work is returned as is.
    /// </summary>
    Task<User?> GetByIdAsync(long id, CancellationToken cancellationToken);

    Task<bool> ExistsAsync(long id, CancellationToken cancellationToken);

    /// <summary>
    /// The stored username and image keys of a user, read without tracking (a command still loads the user in its
    /// unit of work); <c>null</c> when there is no such user.
    /// </summary>
    Task<StoredUserKeys?> GetStoredKeysAsync(long id, CancellationToken cancellationToken);

    /// <summary>Whether any user's avatar or cover is the stored image <paramref name="key"/> (names are shared by content).</summary>
    Task<bool> IsMediaInUseAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Keeps the name a rename gave up for its former holder, saved with the rename; holds expired by
    /// <paramref name="now"/> are removed on the way.
    /// </summary>
    Task HoldReleasedUsernameAsync(ReleasedUsername released, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>
/// The query side: a user as clients see it, read as stored now in one statement, without loading the aggregate
/// (docs/adr/0025-read-model.md). Nothing is tracked or locked; a command still loads the user itself, in its unit
/// of work.
/// </summary>
public interface IUserReader
{
    /// <summary>The user with its tags, image keys as public URLs; <c>null</c> when there is none.</summary>
    Task<UserDto?> ReadAsync(long id, CancellationToken cancellationToken);
}

/// <summary>What the validator needs of the stored user: its username and image keys.</summary>
public sealed record StoredUserKeys(Username Username, string? Avatar, string? Cover);

public interface IUnitOfWork
{
    /// <summary>Writes the tracked changes and records the aggregates' domain events for delivery after commit.</summary>
    Task SaveChangesAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Registers the undo of a side effect the database cannot roll back (a file stored for this change). It runs
    /// if the work does not commit, and is forgotten once it does.
    /// </summary>
    void OnRollback(Func<CancellationToken, Task> undo);

    /// <summary>Whether a unit of work is running: what is written now commits or rolls back with it.</summary>
    bool InTransaction { get; }

    /// <summary>
    /// Runs <paramref name="operation"/> in one transaction, begun before it starts: all of it commits, or none of it.
    /// Inside a running unit it joins that unit's transaction.
    /// </summary>
    Task<T> ExecuteInTransactionAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken);

    /// <summary>
    /// Runs a command as one unit of work: everything it writes commits together, or none of it. The transaction may
    /// begin late: before the user is loaded, or only at the first write (a save, or work run with
    /// <see cref="ExecuteInTransactionAsync{T}"/>), as the database decides. What the command reads before is read as
    /// committed, and if another writer changes the user in between, the save fails its version check
    /// (<see cref="Exceptions.ConcurrencyConflictException"/>) and nothing is written
    /// (docs/adr/0026-reads-before-the-write-turn.md).
    /// </summary>
    Task<T> ExecuteCommandAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken);
}

public interface IClock
{
    DateTimeOffset UtcNow { get; }
}

/// <summary>Turns a stored image key into the absolute URL clients see (docs/api.md#response).</summary>
public interface IMediaUrls
{
    string? ToPublicUrl(string? key);
}
