using System.Data.Common;
using System.Net;
using CleanUser.Application.Common.Exceptions;
using CleanUser.Application.Common.Security;
using CleanUser.Application.Users.Commands.PatchUser;
using CleanUser.FunctionalTests.HttpStandards;
using CleanUser.Infrastructure.Persistence;
using CleanUser.Infrastructure.Persistence.Providers;
using CleanUser.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CleanUser.FunctionalTests.Hosting;

/// <summary>
/// docs/security.md#infrastructure-failures: a database that cannot serve now — locked past the wait, full, read-only,
/// gone — is a 503 with <c>Retry-After</c>, never a 500; nothing of the request is written; readiness says so while
/// it lasts; and the service recovers by itself once the cause is gone. Each test has an app of its own, since it
/// breaks the database.
/// </summary>
public sealed class DatabaseFailureTests
{
    private const string Never = "never stored";

    [SqliteFact]
    public async Task A_write_that_waits_past_the_busy_timeout_for_another_process_lock_is_503_and_changes_nothing()
    {
        using var folder = TestFolder.Create(sqliteOnly: true);
        using var app = SqliteAppAt(folder.DatabasePath, folder);
        var id = await app.CreateUserAsync();
        var before = await app.ReadUserAsync(id);
        using var client = app.ClientFor(id);

        await using (await SqliteAsync(folder.DatabasePath, "BEGIN EXCLUSIVE;"))
        {
            await AssertUnavailableAsync(await client.PatchJsonAsync(id, new { bio = Never }));
            // Code in the process (a module, the user patch verb) gets the same answer, as an exception.
            await Assert.ThrowsAsync<ServiceUnavailableException>(() =>
                app.SendAsync(new PatchUserCommand(id, ProfilePatch.Of(("bio", Never))), Caller.System));
            await Readiness.AssertNotReadyButLiveAsync(app.CreateClient());
        }

        Assert.Equal(before, await app.ReadUserAsync(id));
        await AssertRecoveredAsync(app, client, id);
    }

    [PostgresFact]
    public async Task A_write_that_waits_past_the_lock_timeout_for_a_row_another_connection_holds_is_503_and_changes_nothing()
    {
        using var folder = TestFolder.Create();
        var shortWait = new NpgsqlConnectionStringBuilder(folder.Database.ConnectionString) { Options = "-c lock_timeout=300" };
        using var app = TestApp.Over(folder, new TestAppOptions
        {
            Outbox = false,
            Settings = new Dictionary<string, string> { ["ConnectionStrings:Default"] = shortWait.ConnectionString },
        });
        var id = await app.CreateUserAsync();
        var before = await app.ReadUserAsync(id);
        using var client = app.ClientFor(id);

        await using (var other = new NpgsqlConnection(folder.Database.ConnectionString))
        {
            await other.OpenAsync();
            await using var transaction = await other.BeginTransactionAsync();
            await using var command = new NpgsqlCommand("SELECT 1 FROM \"Users\" WHERE \"Id\" = @id FOR UPDATE", other, transaction)
            {
                Parameters = { new("id", id) },
            };
            await command.ExecuteScalarAsync();

            await AssertUnavailableAsync(await client.PatchJsonAsync(id, new { bio = Never }));
            // One user held is not the instance's failure: the others can still be written (a decision, see the docs).
            Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync(Api.Relative("/health/ready"))).StatusCode);
        }

        Assert.Equal(before, await app.ReadUserAsync(id));
        await AssertRecoveredAsync(app, client, id);
    }

    [SqliteMountFact]
    public async Task A_write_to_a_full_disk_is_503_changes_nothing_and_readiness_is_503_until_there_is_room()
    {
        using var volume = TmpfsVolume.Mount(8 * 1024 * 1024);
        using var folder = TestFolder.Create(sqliteOnly: true);
        var database = Path.Combine(volume.Path, "cleanuser.db");
        using var app = SqliteAppAt(database, folder);
        var id = await app.CreateUserAsync(new UserBuilder().WithFullProfile());
        var before = await app.ReadUserAsync(id);
        using var client = app.ClientFor(id);
        // An empty write-ahead log: the next commit has to grow it, as it does once the log's space is used.
        await using (await SqliteAsync(database, "PRAGMA wal_checkpoint(TRUNCATE);"))
        {
        }

        volume.Fill();

        await AssertUnavailableAsync(await client.PatchJsonAsync(id, new { bio = Never }));
        await Readiness.AssertNotReadyButLiveAsync(app.CreateClient());

        volume.Empty();
        // Read once there is room: on the full volume, opening a new connection can itself fail with a disk I/O error,
        // and whether this read gets a pooled connection or a new one is chance. The failed PATCH is not run again.
        Assert.Equal(before, await app.ReadUserAsync(id));
        await AssertRecoveredAsync(app, client, id);
    }

    [SqliteFact]
    public async Task A_write_the_database_has_no_page_left_for_is_503_and_changes_nothing()
    {
        // SQLITE_FULL without root: max_page_count caps the file at the pages it has (after VACUUM, none of them free).
        var cap = new PageCap();
        using var folder = TestFolder.Create(sqliteOnly: true);
        using var app = TestApp.Over(folder, new TestAppOptions
        {
            Outbox = false,
            Services = services => services.ConfigureDbContext<CleanUserDbContext>(options => options.AddInterceptors(cap)),
        });
        var id = await app.CreateUserAsync();
        var before = await app.ReadUserAsync(id);
        using var client = app.ClientFor(id);
        await using (var vacuum = await SqliteAsync(folder.DatabasePath, "VACUUM;"))
        {
            await using var count = vacuum.CreateCommand();
            count.CommandText = "PRAGMA page_count;";
            cap.Pages = (long)(await count.ExecuteScalarAsync())!;
        }

        // 5000 characters of four UTF-8 bytes each: overflow pages the file may not grow by.
        await AssertUnavailableAsync(await client.PatchJsonAsync(id, new { bio = string.Concat(Enumerable.Repeat("😀", 5000)) }));

        Assert.Equal(before, await app.ReadUserAsync(id));
    }

    /// <summary>
    /// The file is made read-only for the connections opened from now on; those opened before keep writing through the
    /// file they hold, and the service keeps its connections open (docs/adr/0029-prepared-statements.md). So
    /// readiness, which opens one of its own, is 503 at once; a context of the service's whose connection opens now is
    /// refused its write with an error the service answers 503 for, writes nothing, and writes again once the file is
    /// writable: SQLite opens a file it cannot write read-only, and the connection is opened anew after the failure.
    /// </summary>
    [SqliteMountFact]
    public async Task With_a_read_only_database_file_readiness_is_503_and_a_connection_opened_then_writes_once_it_is_writable()
    {
        using var app = TestApp.With(new TestAppOptions { SqliteOnly = true, Outbox = false });
        var id = await app.CreateUserAsync();
        var before = await app.ReadUserAsync(id);
        using var client = app.ClientFor(id);
        var write = $"UPDATE \"Users\" SET \"Bio\" = 'written' WHERE \"Id\" = {id}";
        await using var db = new CleanUserDbContext(app.Services.GetRequiredService<DbContextOptions<CleanUserDbContext>>());

        using (ReadOnlyFile.Over(app.DatabasePath))
        {
            var refused = await Assert.ThrowsAsync<SqliteException>(() => db.Database.ExecuteSqlRawAsync(write));
            Assert.True(app.Services.GetRequiredService<IDatabaseProvider>().IsUnavailable(refused), refused.Message);
            await Readiness.AssertNotReadyButLiveAsync(app.CreateClient());
            Assert.Equal(before, await app.ReadUserAsync(id));
        }

        Assert.Equal(1, await db.Database.ExecuteSqlRawAsync(write));
        Assert.Equal("written", (await app.ReadUserAsync(id)).Bio);
        await AssertRecoveredAsync(app, client, id);
    }

    [PostgresFact]
    public async Task With_a_read_only_postgres_database_writes_are_503_and_readiness_is_503()
    {
        using var app = TestApp.With(new TestAppOptions { Outbox = false });
        var id = await app.CreateUserAsync();
        var before = await app.ReadUserAsync(id);
        using var client = app.ClientFor(id);

        await SetReadOnlyAsync(app, true);
        try
        {
            await AssertUnavailableAsync(await client.PatchJsonAsync(id, new { bio = Never }));
            await Readiness.AssertNotReadyButLiveAsync(app.CreateClient());
            Assert.Equal(before, await app.ReadUserAsync(id));
        }
        finally
        {
            await SetReadOnlyAsync(app, false);
        }

        await AssertRecoveredAsync(app, client, id);
    }

    [SqliteFact]
    public async Task Reads_of_a_database_that_cannot_be_opened_are_503_the_callers_check_included()
    {
        using var app = TestApp.With(new TestAppOptions { SqliteOnly = true, Outbox = false });
        var id = await app.CreateUserAsync();
        using var client = app.ClientFor(id);

        File.Delete(app.DatabasePath);
        // A directory where the file was: SQLite can neither open nor recreate it (SQLITE_CANTOPEN). The service's
        // connections, kept open on the file that was there, notice it has gone and open the path anew.
        Directory.CreateDirectory(app.DatabasePath);
        try
        {
            // Anonymous GET: the query; with a token: the check that the token's user exists, before any handler.
            await AssertUnavailableAsync(await app.CreateClient().GetUserAsync(id));
            await AssertUnavailableAsync(await client.GetAsync(Api.Relative("/api/v2/user/me/")));
        }
        finally
        {
            Directory.Delete(app.DatabasePath);
        }
    }

    /// <summary>
    /// The database file (with its log) deleted while the service runs, as by an operator's mistake: the service does
    /// not go on with the deleted file its connections hold, nor create an empty database in its place (every request
    /// would fail on its missing tables); it answers 503 and is not ready. Once a copy is put back, it serves it, with
    /// no restart.
    /// </summary>
    [SqliteFact]
    public async Task A_database_file_deleted_under_the_service_is_503_until_it_is_restored_and_is_not_created_again()
    {
        using var app = TestApp.With(new TestAppOptions { SqliteOnly = true, Outbox = false });
        var id = await app.CreateUserAsync();
        using var client = app.ClientFor(id);
        var copy = await CopyOfAsync(app.DatabasePath);

        foreach (var file in SqliteFiles(app.DatabasePath))
        {
            File.Delete(file);
        }

        await AssertUnavailableAsync(await app.CreateClient().GetUserAsync(id));
        await AssertUnavailableAsync(await client.PatchJsonAsync(id, new { bio = Never }));
        await Readiness.AssertNotReadyButLiveAsync(app.CreateClient());
        Assert.False(File.Exists(app.DatabasePath));

        File.Move(copy, app.DatabasePath);
        await AssertRecoveredAsync(app, client, id);
    }

    /// <summary>
    /// A copy put in place of the database file while the service runs (the old file renamed away, as an operator
    /// restoring a backup might): the next change is written to the file the path names now. The service's connections,
    /// kept open on the old file, would otherwise go on writing to it, and the change would be lost with it.
    /// </summary>
    [SqliteFact]
    public async Task A_change_after_the_database_file_was_replaced_under_the_service_is_written_to_the_new_file()
    {
        using var app = TestApp.With(new TestAppOptions { SqliteOnly = true, Outbox = false });
        var id = await app.CreateUserAsync();
        using var client = app.ClientFor(id);
        using (var before = await client.PatchJsonAsync(id, new { bio = "before" }))
        {
            before.EnsureSuccessStatusCode();
        }

        var copy = await CopyOfAsync(app.DatabasePath);

        foreach (var (file, old) in SqliteFiles(app.DatabasePath).Zip(SqliteFiles(app.DatabasePath + ".old")))
        {
            File.Move(file, old);
        }

        File.Move(copy, app.DatabasePath);

        var user = await (await client.PatchJsonAsync(id, new { bio = "after" })).ReadUserAsync();
        Assert.Equal("after", user.GetProperty("bio").GetString());
        Assert.Equal("after", await BioInFileAsync(app.DatabasePath, id));
        Assert.Equal("before", await BioInFileAsync(app.DatabasePath + ".old", id));
    }

    [MountFact]
    public async Task With_the_media_folder_on_a_full_disk_readiness_is_503_and_leaves_no_probe_file()
    {
        using var volume = TmpfsVolume.Mount(1024 * 1024);
        using var app = TestApp.With(new TestAppOptions
        {
            Outbox = false,
            Settings = new Dictionary<string, string> { ["Media:Root"] = volume.Path },
        });
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Api.Relative("/health/ready"))).StatusCode);

        volume.Fill();

        await Readiness.AssertNotReadyButLiveAsync(client);
        Assert.Empty(Directory.GetFiles(volume.Path, ".health-*"));
    }

    /// <summary>An app on SQLite at <paramref name="database"/> that waits only a second for another process's lock.</summary>
    private static TestApp SqliteAppAt(string database, TestFolder folder) => TestApp.Over(folder, new TestAppOptions
    {
        Outbox = false,
        Settings = new Dictionary<string, string> { ["ConnectionStrings:Default"] = $"Data Source={database};Default Timeout=1" },
    });

    /// <summary>A connection of its own — another process, as far as the service can tell — that has run <paramref name="sql"/>.</summary>
    private static async Task<SqliteConnection> SqliteAsync(string database, string sql)
    {
        var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
        return connection;
    }

    /// <summary>A SQLite database's files: the database and, in WAL mode, its log and the log's index.</summary>
    private static string[] SqliteFiles(string database) => [database, database + "-wal", database + "-shm"];

    /// <summary>A consistent copy of the SQLite file at <paramref name="database"/>, beside it; returns its path.</summary>
    private static async Task<string> CopyOfAsync(string database)
    {
        var copy = database + ".copy";
        await using var source = new SqliteConnection($"Data Source={database};Pooling=False");
        await using var target = new SqliteConnection($"Data Source={copy};Pooling=False");
        await source.OpenAsync();
        source.BackupDatabase(target);
        return copy;
    }

    /// <summary>The user's <c>bio</c> as the file at <paramref name="database"/> holds it, read by a connection of its own.</summary>
    private static async Task<string?> BioInFileAsync(string database, long id)
    {
        await using var connection = await SqliteAsync(database, "SELECT 1;");
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT \"Bio\" FROM \"Users\" WHERE \"Id\" = $id;";
        command.Parameters.AddWithValue("$id", id);
        return (string?)await command.ExecuteScalarAsync();
    }

    /// <summary>What a standby or a server switched to read-only looks like to its sessions.</summary>
    private static async Task SetReadOnlyAsync(TestApp app, bool readOnly)
    {
        var database = app.Database;
        // From the server's maintenance database: a session of the read-only database could not switch it back.
        await using (var server = new NpgsqlConnection(TestDatabase.PostgresServer))
        {
            await server.OpenAsync();
            await using var command = new NpgsqlCommand(
                $"ALTER DATABASE \"{database.PostgresName}\" SET default_transaction_read_only = {(readOnly ? "on" : "off")}", server);
            await command.ExecuteNonQueryAsync();
        }

        // Sessions take the setting when they start. The app's pool is the one of the connection string it uses.
        await using var pooled = new NpgsqlConnection(((PostgresProvider)app.Services.GetRequiredService<IDatabaseProvider>()).ConnectionString);
        NpgsqlConnection.ClearPool(pooled);
    }

    private static async Task AssertUnavailableAsync(HttpResponseMessage response)
    {
        using (response)
        {
            await response.AssertErrorAsync(HttpStatusCode.ServiceUnavailable, "service_unavailable");
            Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, $"Retry-After: {response.Headers.RetryAfter}");
        }
    }

    /// <summary>Once the cause is gone the instance is ready again and the same write goes through — nothing to restart.</summary>
    private static async Task AssertRecoveredAsync(TestApp app, HttpClient client, long id)
    {
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync(Api.Relative("/health/ready"))).StatusCode);
        var user = await (await client.PatchJsonAsync(id, new { bio = "stored" })).ReadUserAsync();
        Assert.Equal("stored", user.GetProperty("bio").GetString());
    }

    /// <summary>Caps the file at <see cref="Pages"/> pages from the next write transaction on, on whichever connection it runs.</summary>
    private sealed class PageCap : DbTransactionInterceptor
    {
        public long? Pages { get; set; }

        public override async ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData,
            DbTransaction result, CancellationToken cancellationToken = default)
        {
            if (Pages is { } pages)
            {
                await using var command = connection.CreateCommand();
                command.Transaction = result;
                command.CommandText = $"PRAGMA max_page_count = {pages};";
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            return result;
        }
    }

    /// <summary>About the SQLite file on a file system the test mounts: SQLite's pass, a process that may mount.</summary>
    private sealed class SqliteMountFactAttribute : FactAttribute
    {
        public SqliteMountFactAttribute() => Skip = SqliteFactAttribute.WhyNot ?? Mounts.WhyNot;
    }
}
