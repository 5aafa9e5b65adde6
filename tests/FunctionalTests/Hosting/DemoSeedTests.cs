using System.Globalization;
using CleanUser.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace CleanUser.FunctionalTests.Hosting;

/// <summary>An empty database gets the demo community in Development, and only there — on either provider.</summary>
public sealed class DemoSeedTests
{
    [Fact]
    public async Task Development_seeds_users_1_to_4_and_tags_1_to_3_and_later_tags_get_new_ids()
    {
        using var app = TestApp.With(new TestAppOptions { Environment = "Development" });

        Assert.Equal(["alice", "bob", "carol", "dave"], await app.QueryAsync(db =>
            db.Users.OrderBy(u => u.Id).Where(u => u.Id <= 4).Select(u => u.Username).Select(u => u.Value).ToListAsync()));
        Assert.Equal([(1L, "speaker"), (2L, "mentor"), (3L, "staff")],
            (await app.QueryAsync(db => db.Tags.OrderBy(t => t.Id).Select(t => new { t.Id, t.Name }).ToListAsync())).Select(t => (t.Id, t.Name)));

        // New tags are numbered by the database after the seeded ones (an explicit id in the seed would have left
        // PostgreSQL's identity sequence at 1, and this insert would collide with tag 1).
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());

        var tagIds = (await app.ReadUserAsync(id)).TagIds.Split(',').Select(t => long.Parse(t, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(2, tagIds.Count);
        Assert.All(tagIds, t => Assert.True(t > 3, $"tag id {t}"));
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Testing")]
    public async Task Outside_development_an_empty_database_stays_empty(string environment)
    {
        using var app = TestApp.With(new TestAppOptions { Environment = environment });

        Assert.Equal((0, 0), (await app.QueryAsync(db => db.Users.CountAsync()), await app.QueryAsync(db => db.Tags.CountAsync())));
    }
}
