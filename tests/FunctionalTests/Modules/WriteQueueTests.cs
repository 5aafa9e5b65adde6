using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.Common.Security;
using CleanUser.Application.Users.Commands.PatchUser;
using CleanUser.Infrastructure.Persistence;
using CleanUser.Tests.Support;
using MediatR;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CleanUser.FunctionalTests.Modules;

/// <summary>
/// Writers of one process queue in the process, not on the database's lock: on SQLite a transaction that finds the
/// lock taken would sleep in Microsoft.Data.Sqlite's busy retry (about 150 ms a round).
/// </summary>
public sealed class WriteQueueTests(TestApp app) : IClassFixture<TestApp>
{
    private const int Writers = 32;

    /// <summary>SQLITE_BUSY.</summary>
    private const int Busy = 5;

    [Fact]
    public async Task Concurrent_commands_on_one_user_all_apply_without_waiting_on_the_database_lock()
    {
        var id = await app.CreateUserAsync();
        var before = await app.ReadUserAsync(id);
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var writers = Enumerable.Range(0, Writers).Select(i => Task.Run(async () =>
        {
            await using var scope = app.Services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<CurrentCaller>().ActAs(Caller.System);
            var sqlite = scope.ServiceProvider.GetRequiredService<CleanUserDbContext>().Database.GetDbConnection() as SqliteConnection;
            var timeout = sqlite?.DefaultTimeout ?? 0;
            if (sqlite is not null)
            {
                // A negative timeout turns the busy retry off: a command that has to wait for SQLite's lock fails at
                // once with "database is locked" instead of sleeping.
                sqlite.DefaultTimeout = -1;
            }

            try
            {
                await go.Task;
                return (await scope.ServiceProvider.GetRequiredService<IMediator>()
                    .Send(new PatchUserCommand(id, ProfilePatch.Of(("bio", $"writer {i}"))))).Bio;
            }
            finally
            {
                if (sqlite is not null)
                {
                    sqlite.DefaultTimeout = timeout;
                }
            }
        })).ToList();
        go.SetResult();
        var bios = await Task.WhenAll(writers);

        var after = await app.ReadUserAsync(id);
        Assert.Equal(Writers, bios.Distinct().Count());
        Assert.Equal(before.Version + Writers, after.Version);
        Assert.Contains(after.Bio, bios);
    }

    [SqliteFact]
    public async Task A_command_transaction_on_SQLite_holds_the_write_lock_from_its_start()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CleanUserDbContext>();

        // Nothing is read or written yet: a deferred transaction would hold no lock, and a later write could fail
        // to upgrade it. An immediate one already keeps every other writer out.
        var other = await scope.ServiceProvider.GetRequiredService<IUnitOfWork>().ExecuteInTransactionAsync(_ =>
        {
            using var connection = new SqliteConnection(db.Database.GetConnectionString());
            connection.Open();
            connection.DefaultTimeout = -1;
            return Task.FromResult(Record.Exception(() => connection.BeginTransaction()));
        }, CancellationToken.None);

        Assert.Equal(Busy, Assert.IsType<SqliteException>(other).SqliteErrorCode);
    }

    [SqliteFact]
    public async Task Commits_on_SQLite_are_synced_to_disk_before_they_return()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CleanUserDbContext>();
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA synchronous;";

        // 2 = FULL: the WAL is synced on every commit (docs/adr/0007-sqlite-synchronous.md).
        Assert.Equal(2L, await command.ExecuteScalarAsync());
    }
}
