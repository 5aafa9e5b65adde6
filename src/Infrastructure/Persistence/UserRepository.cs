using CleanUser.Application.Common.Interfaces;
using CleanUser.Domain.Users;
using CleanUser.Infrastructure.Persistence.Configurations;
using CleanUser.Infrastructure.Persistence.Providers;
using Microsoft.EntityFrameworkCore;

namespace CleanUser.Infrastructure.Persistence;

public sealed class UserRepository(CleanUserDbContext db, IDatabaseProvider provider) : IUserRepository, IUsernameUniquenessChecker
{
    public async Task<User?> GetByIdAsync(long id, CancellationToken cancellationToken)
    {
        // Loaded already in this transaction (JSON Patch reads the user, then sends the PATCH it makes): the same
        // tracked, locked instance, not a second query.
        if (db.Database.CurrentTransaction is not null && db.Users.Local.FirstOrDefault(u => u.Id == id) is { } loaded)
        {
            return loaded;
        }

        if (db.Database.CurrentTransaction is not null)
        {
            // A command loads the user it changes inside its transaction: commands on one user queue here, so they do
            // not all read the same version and fail the concurrency check. Reads outside a command don't lock.
            await provider.LockUserForUpdateAsync(db.Database, id, cancellationToken).ConfigureAwait(false);
        }

        return await db.Users.Include(u => u.Tags).SingleOrDefaultAsync(u => u.Id == id, cancellationToken).ConfigureAwait(false);
    }

    public Task<bool> ExistsAsync(long id, CancellationToken cancellationToken) =>
        db.Users.AnyAsync(u => u.Id == id, cancellationToken);

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
