using CleanUser.Infrastructure.Persistence;
using CleanUser.Tests.Support;
using CleanUser.WebApi.Cli;
using Microsoft.EntityFrameworkCore;

namespace CleanUser.FunctionalTests.Hosting;

/// <summary>
/// <c>Database:Provider</c> and its connection string: settings that cannot work stop the real process — the built app, started as an
/// operator would start it — with exit code 1 and one line on stderr that names the problem, before anything listens.
/// </summary>
public sealed class DatabaseStartupTests : IDisposable
{
    private const string Secret = "not-a-real-password-1f2e3d";

    private readonly AppProcess _process = new();

    [Theory]
    [InlineData("Oracle", null, "CleanUser cannot start: Database:Provider 'Oracle' is not supported; use 'Sqlite' or 'Postgres' (see README, Configuration).")]
    [InlineData("Postgres", null, "CleanUser cannot start: Database:Provider is 'Postgres' but ConnectionStrings:Default is not set")]
    [InlineData("Postgres", "Server=db;Passwort=" + Secret, "CleanUser cannot start: ConnectionStrings:Default is not a valid PostgreSQL connection string")]
    public async Task Settings_that_cannot_work_stop_the_service_with_one_line_naming_the_key(string provider, string? connectionString,
        string expected)
    {
        var run = await _process.RunAsync(Settings(provider, connectionString), "--urls", "http://127.0.0.1:0");

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, run.Output + run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("serve")]
    [InlineData("migrate")]
    public async Task Postgres_with_a_server_that_cannot_be_reached_fails_clearly(string verb)
    {
        // Nothing listens on port 1: the connection is refused at once.
        var settings = Settings("Postgres", $"Host=127.0.0.1;Port=1;Database=cleanuser;Username=cleanuser;Password={Secret};Timeout=3");

        var run = verb == "serve" ? await _process.RunAsync(settings, "--urls", "http://127.0.0.1:0") : await _process.RunAsync(settings, verb);

        Assert.Equal(verb == "serve" ? 1 : ExitCodes.Unavailable, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("CleanUser cannot start: the Postgres database could not be prepared: ", line, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:1", line, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, run.Output + run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal); // no stack trace
    }

    [PostgresFact]
    public async Task Postgres_with_a_wrong_password_fails_clearly()
    {
        var server = new Npgsql.NpgsqlConnectionStringBuilder(TestDatabase.PostgresServer) { Password = Secret, Database = "postgres" };

        var run = await _process.RunAsync(Settings("Postgres", server.ConnectionString), "migrate");

        Assert.Equal(ExitCodes.Unavailable, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("CleanUser cannot start: the Postgres database could not be prepared: 28P01: password authentication failed", line,
            StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, run.Output + run.Error, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task The_migrate_verb_brings_an_empty_postgres_database_up_to_date()
    {
        using var database = TestDatabase.CreatePostgres();

        var run = await _process.RunAsync(Settings("Postgres", database.ConnectionString), "migrate");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("Database is up to date.", run.Output, StringComparison.Ordinal);
        var options = new DbContextOptionsBuilder<PostgresCleanUserDbContext>().UseNpgsql(database.ConnectionString).Options;
        await using var db = new PostgresCleanUserDbContext(options);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        Assert.Equal(0, await db.Users.CountAsync()); // outside Development nothing is seeded
    }

    private Dictionary<string, string?> Settings(string provider, string? connectionString) => new()
    {
        ["Database__Provider"] = provider,
        ["ConnectionStrings__Default"] = connectionString,
        ["Media__Root"] = Path.Combine(_process.Folder, "media"),
    };

    public void Dispose() => _process.Dispose();
}
