using CleanUser.Domain.Users;
using CleanUser.Infrastructure.Persistence;
using CleanUser.Infrastructure.Persistence.Configurations;
using CleanUser.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Logging;
using static CleanUser.FunctionalTests.Users.UsernamePolicyTests;

namespace CleanUser.FunctionalTests.Hosting;

/// <summary>
/// The <c>UsernamePolicy</c> migration on a database that already has users (docs/adr/0017-username-policy.md): the
/// users are created at the migration before it, then the service starts and migrates, as an upgrade would.
/// </summary>
public sealed class UsernamePolicyMigrationTests : IDisposable
{
    private readonly TestFolder _folder = TestFolder.Create();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Users_whose_names_already_look_alike_are_all_kept_and_named_in_the_log()
    {
        // Three that look like "alice", two that look like "mw", and names whose skeleton takes every replacement.
        string[] names = ["alice", "a1ice", "aIice", "mw", "rnvv", "bob", "ARNvVI10_x-Y", "rrnnvvv", "IiLl1", "O0o"];
        await CreateBeforeTheMigrationAsync(names);

        using var app = TestApp.Over(_folder);
        var stored = await app.QueryAsync(db => db.Users.AsNoTracking().OrderBy(u => u.Id)
            .Select(u => new { u.Id, u.Username, u.UsernameMayLookAlike, Skeleton = EF.Property<string>(u, UserConfiguration.UsernameSkeleton) })
            .ToListAsync());

        Assert.Equal(names, stored.Select(u => u.Username.Value));
        Assert.All(stored, u => Assert.Equal(Username.SkeletonOf(u.Username.Value), u.Skeleton));
        Assert.Equal(["a1ice", "aIice", "rnvv"], stored.Where(u => u.UsernameMayLookAlike).Select(u => u.Username.Value));
        var id = stored.ToDictionary(u => u.Username.Value, u => u.Id);
        var warnings = app.Log.Lines.Where(l => l.Level == LogLevel.Warning && l.Category.EndsWith(nameof(DatabaseInitializer), StringComparison.Ordinal))
            .Select(l => l.Message).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.Contains(warnings, w => w.Contains($"(as 'alice')", StringComparison.Ordinal) &&
                                      w.Contains($"alice ({id["alice"]}), a1ice ({id["a1ice"]}), aIice ({id["aIice"]})", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains($"(as 'mw')", StringComparison.Ordinal) &&
                                      w.Contains($"mw ({id["mw"]}), rnvv ({id["rnvv"]})", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_kept_look_alike_keeps_and_re_cases_its_name_but_nobody_takes_a_new_one()
    {
        await CreateBeforeTheMigrationAsync(["mw", "rnw", "carol"]);
        using var app = TestApp.Over(_folder);
        var (rnw, carol) = (2L, 3L);

        using var client = app.ClientFor(rnw);
        foreach (var kept in new[] { "rnw", "RNw" })
        {
            using var response = await client.PatchJsonAsync(rnw, new { username = kept });
            await response.ReadUserAsync();
        }

        using var newcomer = app.ClientFor(carol);
        using var refused = await newcomer.PatchJsonAsync(carol, new { username = "mvv" });

        await AssertUsernameRefusedAsync(refused, "unique", Similar);
        Assert.True((await app.ReadUserAsync(rnw)).UsernameMayLookAlike);
    }

    /// <summary>
    /// Brings the folder's database to the migration before <c>UsernamePolicy</c> and inserts users with
    /// <paramref name="names"/> (ids 1, 2, … in this order) in the columns that schema has.
    /// </summary>
    private async Task CreateBeforeTheMigrationAsync(IEnumerable<string> names)
    {
        var database = _folder.Database;
        await using CleanUserDbContext db = database.IsPostgres
            ? new PostgresCleanUserDbContext(new DbContextOptionsBuilder<PostgresCleanUserDbContext>().UseNpgsql(database.ConnectionString).Options)
            : new CleanUserDbContext(new DbContextOptionsBuilder<CleanUserDbContext>().UseSqlite(database.ConnectionString).Options);
        var migrations = db.Database.GetMigrations().ToList();
        var policy = migrations.FindIndex(m => m.EndsWith("_" + DatabaseInitializer.UsernamePolicyMigration, StringComparison.Ordinal));
        await db.GetService<IMigrator>().MigrateAsync(migrations[policy - 1]);

        var joined = DateTimeOffset.UtcNow;
        foreach (var name in names)
        {
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO "Users" ("Username", "NormalizedUsername", "RealName", "DateJoined", "Bio", "Location", "Description",
                    "Gender", "Website", "CommunityBadge", "RegApproved", "IsBlocked", "IsDeleted", "CompanyName", "CompanyRole",
                    "Version", "CategoriesCounter", "DiscussionsCounter", "FollowersCounter", "FollowingsCounter", "PollsCounter",
                    "PostsCounter", "Reputation")
                VALUES ({name}, {name.ToLowerInvariant()}, '', {joined}, '', '', '', 'Unspecified', '', {false}, {true}, {false},
                    {false}, '', '', 0, 0, 0, 0, 0, 0, 0, 0)
                """);
        }
    }
}
