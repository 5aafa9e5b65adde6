using CleanUser.FunctionalTests.Infrastructure;
using CleanUser.Infrastructure.Identity;
using CleanUser.Infrastructure.Media;
using CleanUser.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CleanUser.FunctionalTests.Hosting;

/// <summary>The test host really is what the other tests assume: its own database on the run's provider, no demo seed, the test key.</summary>
public sealed class TestHostTests(CleanUserFactory factory) : IClassFixture<CleanUserFactory>
{
    [Fact]
    public async Task The_app_runs_in_Testing_on_its_own_migrated_database_without_the_demo_seed()
    {
        Assert.Equal("Testing", factory.Services.GetRequiredService<IHostEnvironment>().EnvironmentName);

        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CleanUserDbContext>();
        if (factory.Database.IsPostgres)
        {
            // The PostgreSQL context (its own migrations), on the database this factory created.
            Assert.IsType<PostgresCleanUserDbContext>(db);
            Assert.True(db.Database.IsNpgsql());
            Assert.Equal(factory.Database.PostgresName, db.Database.GetDbConnection().Database);
            Assert.False(File.Exists(factory.DatabasePath));
        }
        else
        {
            Assert.IsType<CleanUserDbContext>(db);
            Assert.True(db.Database.IsSqlite());
            Assert.Equal(Path.GetFullPath(factory.DatabasePath), db.Database.GetDbConnection().DataSource);
            Assert.True(File.Exists(factory.DatabasePath));
        }

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.False(await db.Users.AnyAsync(u => u.Username == Domain.Users.Username.FromStored("alice")));
        Assert.Empty(await db.Tags.ToListAsync());
    }

    [Fact]
    public void The_app_uses_the_test_signing_key_and_media_folder()
    {
        Assert.Equal(CleanUserFactory.SigningKey, factory.Services.GetRequiredService<IOptions<AuthOptions>>().Value.SigningKey);
        Assert.Equal(factory.MediaRoot, factory.Services.GetRequiredService<IOptions<MediaOptions>>().Value.Root);
    }
}
