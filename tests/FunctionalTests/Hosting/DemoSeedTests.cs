using CleanUser.Domain.Users;
using CleanUser.FunctionalTests.Infrastructure;
using CleanUser.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CleanUser.FunctionalTests.Hosting;

/// <summary>SPEC §10: in Development an empty database gets the demo community — on either provider.</summary>
public sealed class DemoSeedTests : IDisposable
{
    private readonly DevelopmentFactory _factory = new();

    private sealed class DevelopmentFactory() : CleanUserFactory("Development", SigningKey);

    [Fact]
    public async Task Development_seeds_users_1_to_4_and_tags_1_to_3_and_later_tags_get_new_ids()
    {
        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CleanUserDbContext>();
            Assert.Equal(["alice", "bob", "carol", "dave"],
                await db.Users.OrderBy(u => u.Id).Where(u => u.Id <= 4).Select(u => u.Username).Select(u => u.Value).ToListAsync());
            Assert.Equal([(1L, "speaker"), (2L, "mentor"), (3L, "staff")],
                (await db.Tags.OrderBy(t => t.Id).Select(t => new { t.Id, t.Name }).ToListAsync()).Select(t => (t.Id, t.Name)));
        }

        // New tags are numbered by the database after the seeded ones (an explicit id in the seed would have left
        // PostgreSQL's identity sequence at 1, and this insert would collide with tag 1).
        var id = await _factory.CreateRichUserAsync();

        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CleanUserDbContext>();
            var user = await db.Users.AsNoTracking().Include(u => u.Tags).SingleAsync(u => u.Id == id);
            Assert.Equal(2, user.Tags.Count);
            Assert.All(user.Tags, t => Assert.True(t.Id > 3, $"tag id {t.Id}"));
        }
    }

    public void Dispose() => _factory.Dispose();
}
