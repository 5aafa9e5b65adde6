using CleanUser.Application.Common.Interfaces;
using CleanUser.Domain.Users;
using CleanUser.Infrastructure.Persistence.Providers;
using Microsoft.EntityFrameworkCore;

namespace CleanUser.Infrastructure.Persistence;

public sealed class UserRepository(CleanUserDbContext db, IDatabaseProvider provider, UnitOfWork unitOfWork) : IUserRepository, IUsernameUniquenessChecker
{
    // Compiled once: every request asks these, and EF then skips finding the query in its cache.
    private static readonly Func<CleanUserDbContext, long, CancellationToken, Task<User?>> UserWithTags =
        EF.CompileAsyncQuery((CleanUserDbContext db, long id, CancellationToken _) =>
            db.Users.Include(u => u.Tags).SingleOrDefault(u => u.Id == id));

    private static readonly Func<CleanUserDbContext, long, CancellationToken, Task<bool>> UserExists =
        EF.CompileAsyncQuery((CleanUserDbContext db, long id, CancellationToken _) => db.Users.Any(u => u.Id == id));

    public async Task<User?> GetByIdAsync(long id, CancellationToken cancellationToken)
    {
        if (unitOfWork.InTransaction)
        {
            // Loaded already in this unit of work (JSON Patch reads the user, then sends the PATCH it makes): the same
            // tracked instance, not a second query.
            if (db.Users.Local.FirstOrDefault(u => u.Id == id) is { } loaded)
            {
                return loaded;
            }

            await unitOfWork.BeforeLoadingUserAsync(id, cancellationToken).ConfigureAwait(false);
        }

        if (db.Database.CurrentTransaction is not null)
        {
            // A command that loads the user it changes inside its transaction: commands on one user queue here, so they
            // do not all read the same version and fail the concurrency check.
            await provider.LockUserForUpdateAsync(db.Database, id, cancellationToken).ConfigureAwait(false);
        }

        return await UserWithTags(db, id, cancellationToken).ConfigureAwait(false);
    }

    public Task<bool> ExistsAsync(long id, CancellationToken cancellationToken) => UserExists(db, id, cancellationToken);

    // Not tracked: the command handler must still load the user itself, in its unit of work.
    public Task<StoredUserKeys?> GetStoredKeysAsync(long id, CancellationToken cancellationToken) =>
        db.Users.AsNoTracking().Where(u => u.Id == id)
            .Select(u => new StoredUserKeys(u.Username, u.Avatar, u.Cover))
            .SingleOrDefaultAsync(cancellationToken);

    public Task<bool> IsMediaInUseAsync(string key, CancellationToken cancellationToken) =>
        db.Users.AnyAsync(u => u.Avatar == key || u.Cover == key, cancellationToken);

    /// <summary>
    /// One statement, so its facts are of one moment: a rename commits the new name and the hold on the old one together,
    /// so this sees a name either in use or held, never neither (docs/adr/0017-username-policy.md). The probe row makes
    /// the answer one row even when the user does not exist (the handler answers 404 later).
    /// </summary>
    public async Task<UsernameFacts> GetFactsAsync(Username username, long userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(username);
        var (name, look, at) = (username.Normalized, username.Skeleton, now.UtcDateTime);
        var rows = await db.Database.SqlQuery<FactsRow>($"""
            SELECT "Self"."Username" AS "Current", "Self"."RenamedAt" AS "LastRenamedAt",
                EXISTS (SELECT 1 FROM "Users" WHERE "NormalizedUsername" = {name} AND "Id" <> {userId}) AS "TakenByAnother",
                EXISTS (SELECT 1 FROM "Users" WHERE "UsernameSkeleton" = {look} AND "Id" <> {userId}) AS "LooksLikeAnother",
                EXISTS (SELECT 1 FROM "ReleasedUsernames" WHERE "NormalizedUsername" = {name} AND "FormerHolderId" <> {userId}
                        AND "HeldUntil" > {at}) AS "HeldForAnother",
                EXISTS (SELECT 1 FROM "ReleasedUsernames" WHERE "UsernameSkeleton" = {look} AND "FormerHolderId" <> {userId}
                        AND "HeldUntil" > {at}) AS "LookHeldForAnother"
            FROM (SELECT 1 AS "One") AS "Probe" LEFT JOIN "Users" AS "Self" ON "Self"."Id" = {userId}
            """).ToListAsync(cancellationToken).ConfigureAwait(false);
        var row = rows.Single();
        return new UsernameFacts(row.Current is { } current ? Username.FromStored(current) : null, row.LastRenamedAt,
            row.TakenByAnother, row.LooksLikeAnother, row.HeldForAnother, row.LookHeldForAnother);
    }

    public async Task HoldReleasedUsernameAsync(ReleasedUsername released, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(released);
        // A write now, not at the save: in the unit's transaction, begun here if it has not begun yet.
        await unitOfWork.ExecuteInTransactionAsync(ct => db.ReleasedUsernames.Where(r => r.HeldUntil <= now).ExecuteDeleteAsync(ct),
            cancellationToken).ConfigureAwait(false);
        db.ReleasedUsernames.Add(released);
    }

    private sealed record FactsRow(string? Current, DateTimeOffset? LastRenamedAt, bool TakenByAnother, bool LooksLikeAnother,
        bool HeldForAnother, bool LookHeldForAnother);
}
