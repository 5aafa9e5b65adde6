using CleanUser.Application.Common.Interfaces;
using CleanUser.Domain.Users;
using CleanUser.Infrastructure.Persistence.Configurations;
using Microsoft.EntityFrameworkCore;

namespace CleanUser.Infrastructure.Persistence;

public sealed class UserRepository(CleanUserDbContext db) : IUserRepository, IUsernameUniquenessChecker
{
    public async Task<User?> GetByIdAsync(long id, CancellationToken cancellationToken)
    {
        // Loaded already in this transaction (JSON Patch reads the user, then sends the PATCH it makes): the same
        // tracked, locked instance, not a second query.
        if (db.Database.CurrentTransaction is not null && db.Users.Local.FirstOrDefault(u => u.Id == id) is { } loaded)
        {
            return loaded;
        }

        if (db.Database.CurrentTransaction is not null && db.Database.IsNpgsql())
        {
            // A command loads the user it changes inside its transaction. On SQLite that transaction is the only
            // writer, so commands on one user run one after the other. Under PostgreSQL's READ COMMITTED they would
            // all read the same version and all but one fail the concurrency check — dozens of times over when many
            // arrive at once, beyond the transaction behavior's retries. Locking the row first queues them as SQLite
            // does; the version check stays, for If-Match and as the last guard. Reads outside a command don't lock.
            await db.Database.ExecuteSqlAsync($"SELECT 1 FROM \"Users\" WHERE \"Id\" = {id} FOR UPDATE", cancellationToken)
                .ConfigureAwait(false);
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
