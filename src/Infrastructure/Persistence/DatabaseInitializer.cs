using CleanUser.Domain.Users;
using CleanUser.Infrastructure.Persistence.Configurations;
using CleanUser.Infrastructure.Persistence.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CleanUser.Infrastructure.Persistence;

/// <summary>Brings the database to the newest migration and, on request, seeds the demo community.</summary>
public sealed partial class DatabaseInitializer(
    CleanUserDbContext db,
    IDatabaseProvider provider,
    TimeProvider timeProvider,
    ILogger<DatabaseInitializer> logger)
{
    /// <summary>The name of the migrations (one per database) that bring in the username policy.</summary>
    public const string UsernamePolicyMigration = "UsernamePolicy";

    /// <summary>
    /// Applies the migrations of the configured database, with what that database needs around them (for SQLite the
    /// data folder and WAL mode). When <see cref="UsernamePolicyMigration"/> was among them, the users whose names
    /// already looked alike — kept, never renamed — are named in the log.
    /// </summary>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var applied = await provider.MigrateAsync(db.Database, cancellationToken).ConfigureAwait(false);
        var connection = db.Database.GetDbConnection();
        LogMigrated(logger, db.Database.ProviderName, connection.DataSource, connection.Database);
        if (applied.Any(id => id.EndsWith("_" + UsernamePolicyMigration, StringComparison.Ordinal)))
        {
            await ReportKeptLookAlikesAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One warning per look that several users' names share (docs/adr/0017-username-policy.md).</summary>
    private async Task ReportKeptLookAlikesAsync(CancellationToken cancellationToken)
    {
        var users = await db.Users.AsNoTracking()
            .Where(u => db.Users.Any(other => other.UsernameMayLookAlike &&
                EF.Property<string>(other, UserConfiguration.UsernameSkeleton) == EF.Property<string>(u, UserConfiguration.UsernameSkeleton)))
            .OrderBy(u => u.Id)
            .Select(u => new { u.Id, u.Username, Skeleton = EF.Property<string>(u, UserConfiguration.UsernameSkeleton) })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var look in users.GroupBy(u => u.Skeleton))
        {
            LogLookAlikesKept(logger, look.Key, string.Join(", ", look.Select(u => $"{u.Username} ({u.Id})")));
        }
    }

    /// <summary>Users 1–4 with tags, when there are no users yet (README, demo community).</summary>
    public async Task SeedDemoCommunityAsync(CancellationToken cancellationToken)
    {
        if (await db.Users.AnyAsync(cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var now = timeProvider.GetUtcNow();
        // Ids come from the database, one tag at a time (1, 2, 3 on an empty database): an explicit id would leave
        // PostgreSQL's identity sequence behind, and the next tag created would collide with it.
        var speaker = new Tag(0, "speaker", "user", "Talks at community events", "#1e88e5", now, visibilityBoost: true);
        var mentor = new Tag(0, "mentor", "user", "Helps newcomers", "#43a047", now);
        var staff = new Tag(0, "staff", "user", "Works on the community", "#e53935", now, visible: false);
        foreach (var tag in new[] { speaker, mentor, staff })
        {
            db.Tags.Add(tag);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }

        var alice = User.Register(Username.FromStored("alice"), now.AddDays(-400), extId: "ext-1001");
        alice.UpdateProfile(new ProfileChanges
        {
            RealName = User.RealNameRule.Create("Alice Rossi"), Bio = User.BioRule.Create("Community manager.\nLoves maps."),
            Location = User.LocationRule.Create("Milano"), LocationLatLng = GeoPoint.Parse("45.4642,9.19", UserFields.LocationLatLng),
            Gender = Gender.Female, Website = Website.Create("https://example.com/alice"),
            Description = User.DescriptionRule.Create("Keeps the lights on"),
        }, now);
        alice.AssignTag(speaker);
        alice.AssignTag(staff);
        alice.AwardCommunityBadge();
        alice.JoinCompany("CleanUser", "Community manager");
        alice.RecordStatistics(new UserStatistics(12, 40, 33, 8, 2, 5, 410));

        var bob = User.Register(Username.FromStored("bob"), now.AddDays(-120));
        bob.UpdateProfile(new ProfileChanges
        {
            RealName = User.RealNameRule.Create("Bob Bianchi"), Location = User.LocationRule.Create("Torino"), Gender = Gender.Male,
        }, now);
        bob.AssignTag(mentor);
        bob.RecordStatistics(new UserStatistics(3, 5, 10, 2, 0, 1, 57));

        var carol = User.Register(Username.FromStored("carol"), now.AddDays(-10));
        var dave = User.Register(Username.FromStored("dave"), now.AddDays(-30));
        dave.Block();

        // One at a time, so the demo ids are 1, 2, 3, 4 in this order.
        foreach (var user in new[] { alice, bob, carol, dave })
        {
            db.Users.Add(user);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }

        LogSeeded(logger);
    }

    [LoggerMessage(LogLevel.Information, "Database {Database} on {DataSource} ({Provider}) is up to date")]
    private static partial void LogMigrated(ILogger logger, string? provider, string dataSource, string database);

    [LoggerMessage(LogLevel.Warning,
        "Usernames that look alike (as '{Skeleton}') were kept by the username policy migration: {Users}. Nobody may take a new look-alike of them.")]
    private static partial void LogLookAlikesKept(ILogger logger, string skeleton, string users);

    [LoggerMessage(LogLevel.Information, "Seeded the demo community: alice (1), bob (2), carol (3), dave (4, blocked)")]
    private static partial void LogSeeded(ILogger logger);
}
