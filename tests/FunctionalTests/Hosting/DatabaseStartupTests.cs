using System.Diagnostics;
using CleanUser.FunctionalTests.Infrastructure;
using CleanUser.Infrastructure.Persistence;
using CleanUser.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace CleanUser.FunctionalTests.Hosting;

/// <summary>
/// SPEC §10 <c>Database:Provider</c>: settings that cannot work stop the real process — the built app, started as an
/// operator would start it — with exit code 1 and one line on stderr that names the problem, before anything listens.
/// </summary>
public sealed class DatabaseStartupTests : IDisposable
{
    private const string Secret = "not-a-real-password-1f2e3d";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "cleanuser-startup-" + Guid.NewGuid().ToString("N"));

    public DatabaseStartupTests() => Directory.CreateDirectory(_folder);

    [Theory]
    [InlineData("Oracle", null, "CleanUser cannot start: Database:Provider 'Oracle' is not supported; use 'Sqlite' or 'Postgres' (see README, Configuration).")]
    [InlineData("Postgres", null, "CleanUser cannot start: Database:Provider is 'Postgres' but ConnectionStrings:Default is not set")]
    [InlineData("Postgres", "Server=db;Passwort=" + Secret, "CleanUser cannot start: ConnectionStrings:Default is not a valid PostgreSQL connection string")]
    public async Task Settings_that_cannot_work_stop_the_service_with_one_line_naming_the_key(string provider, string? connectionString,
        string expected)
    {
        var run = await RunAppAsync(Settings(provider, connectionString), "--urls", "http://127.0.0.1:0");

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

        var run = verb == "serve" ? await RunAppAsync(settings, "--urls", "http://127.0.0.1:0") : await RunAppAsync(settings, verb);

        Assert.Equal(1, run.ExitCode);
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

        var run = await RunAppAsync(Settings("Postgres", server.ConnectionString), "migrate");

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("CleanUser cannot start: the Postgres database could not be prepared: 28P01: password authentication failed", line,
            StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, run.Output + run.Error, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task The_migrate_verb_brings_an_empty_postgres_database_up_to_date()
    {
        using var database = TestDatabase.CreatePostgres();

        var run = await RunAppAsync(Settings("Postgres", database.ConnectionString), "migrate");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("Database is up to date.", run.Output, StringComparison.Ordinal);
        var options = new DbContextOptionsBuilder<CleanUserDbContext>().UseNpgsql(database.ConnectionString).Options;
        await using var db = new PostgresCleanUserDbContext(options);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        Assert.Equal(0, await db.Users.CountAsync()); // outside Development nothing is seeded
    }

    private Dictionary<string, string?> Settings(string provider, string? connectionString) => new()
    {
        ["Database__Provider"] = provider,
        ["ConnectionStrings__Default"] = connectionString,
        ["Media__Root"] = Path.Combine(_folder, "media"),
    };

    private sealed record AppRun(int ExitCode, string Output, string Error)
    {
        public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>Runs the built app (<c>dotnet CleanUser.WebApi.dll …</c>) in Production, with a signing key and nothing else inherited.</summary>
    private async Task<AppRun> RunAppAsync(IReadOnlyDictionary<string, string?> settings, params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = _folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "CleanUser.WebApi.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var key in start.Environment.Keys.Where(IsAppSetting).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Auth__SigningKey"] = CleanUserFactory.SigningKey;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"The app did not stop within 60 s. stderr: {await error}");
        }

        return new AppRun(process.ExitCode, await output, await error);
    }

    private static bool IsAppSetting(string key) =>
        key.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase) || key.Equals("DOTNET_ENVIRONMENT", StringComparison.OrdinalIgnoreCase) ||
        key.Contains("__", StringComparison.Ordinal) || key.StartsWith("CLEANUSER_", StringComparison.OrdinalIgnoreCase);

    public void Dispose()
    {
        Directory.Delete(_folder, recursive: true);
    }
}
