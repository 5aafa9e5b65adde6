using CleanUser.Application.Common.Interfaces;
using CleanUser.Domain.Users;
using CleanUser.Infrastructure.Persistence.Configurations;
using CleanUser.Infrastructure.Persistence.Providers;
using Microsoft.EntityFrameworkCore;

namespace CleanUser.Infrastructure.Persistence;

public sealed class UserRepository(CleanUserDbContext db, IDatabaseProvider provider) : IUserRepository, IUsernameUniquenessChecker
{
    // Compiled once: every request asks these, and EF then skips finding the query in its cache.
    private static readonly Func<CleanUserDbContext, long, CancellationToken, Task<User?>> UserWithTags =
        EF.CompileAsyncQuery((CleanUserDbContext db, long id, CancellationToken _) =>
            db.Users.Include(u => u.Tags).SingleOrDefault(u => u.Id == id));

    private static readonly Func<CleanUserDbContext, long, CancellationToken, Task<User?>> UserWithTagsToRead =
        EF.CompileAsyncQuery((CleanUserDbContext db, long id, CancellationToken _) =>
            db.Users.AsNoTracking().Include(u => u.Tags).AsSplitQuery().SingleOrDefault(u => u.Id == id));

    private static readonly Func<CleanUserDbContext, long, CancellationToken, Task<bool>> UserExists =
        EF.CompileAsyncQuery((CleanUserDbContext db, long id, CancellationToken _) => db.Users.Any(u => u.Id == id));

    public async Task<User?> GetByIdAsync(long id, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is not null)
        {
            // Loaded already in this transaction (JSON Patch reads the user, then sends the PATCH it makes): the same
            // tracked, locked instance, not a second query.
            if (db.Users.Local.FirstOrDefault(u => u.Id == id) is { } loaded)
            {
                return loaded;
            }

            // A command loads the user it changes inside its transaction: commands on one user queue here, so they do
            // not all read the same version and fail the concurrency check.
            await provider.LockUserForUpdateAsync(db.Database, id, cancellationToken).ConfigureAwait(false);
        }

        return await UserWithTags(db, id, cancellationToken).ConfigureAwait(false);
    }

    public Task<User?> ReadAsync(long id, CancellationToken cancellationToken) => UserWithTagsToRead(db, id, cancellationToken);

    public Task<bool> ExistsAsync(long id, CancellationToken cancellationToken) => UserExists(db, id, cancellationToken);

    // Not tracked: the command handler must still load the user itself, inside its transaction.
    public Task<StoredUserKeys?> GetStoredKeysAsync(long id, CancellationToken cancellationToken) =>
        db.Users.AsNoTracking().Where(u => u.Id == id)
            .Select(u => new StoredUserKeys(u.Username, u.Avatar, u.Cover))
            .SingleOrDefaultAsync(cancellationToken);

    public Task<bool> IsMediaInUseAsync(string key, CancellationToken cancellationToken) =>
        db.Users.AnyAsync(u => u.Avatar == key || u.Cover == key, cancellationToken);

    public Task<bool> IsTakenByAnotherUserAsync(Username username, long userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(username);
        return db.Users.AnyAsync(
            u => EF.Property<string>(u, UserConfiguration.NormalizedUsername) == username.Normalized && u.Id != userId,
            cancellationToken);
    }
}
