using System.Net;
using System.Net.Http.Json;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.Common.Messaging;
using CleanUser.Application.Common.Security;
using CleanUser.Application.Users.Commands.PatchUser;
using CleanUser.Domain.Users.Events;
using CleanUser.Infrastructure.Persistence;
using CleanUser.Infrastructure.Persistence.Providers;
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
    public async Task A_change_on_SQLite_is_answered_only_once_its_commit_is_synced_to_disk()
    {
        // No dispatcher (its writes wait for no sync) and no audit sweep (its start-up write could end its turn just
        // before the check): the PATCH is the only writer.
        await using var quiet = TestApp.With(new TestAppOptions { Outbox = false, SqliteOnly = true, Settings = NoAuditSweep });
        var provider = quiet.Services.GetRequiredService<IDatabaseProvider>();
        var id = await quiet.CreateUserAsync();
        await provider.WhenSyncedAsync();

        await using (var scope = quiet.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CleanUserDbContext>();
            await db.Database.OpenConnectionAsync();
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "PRAGMA synchronous;";
            // 1 = NORMAL: a commit writes the log without syncing it; the process syncs it for the commits that wait
            // (docs/adr/0027-group-sync.md).
            Assert.Equal(1L, await command.ExecuteScalarAsync());
        }

        using var response = await quiet.ClientFor(id).PatchAsJsonAsync($"/api/v2/user/{id}/", new { bio = "synced" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // Had the answer not waited, the PATCH's commit would still be in the OS's cache and this would start a sync.
        Assert.True(provider.WhenSyncedAsync().IsCompletedSuccessfully, "the PATCH was answered before its commit was synced");
    }

    /// <summary>
    /// Group commit (docs/adr/0027-group-sync.md): commits that wait together are made durable by one sync, whether they
    /// wait before it begins or while it runs, and a commit a sync has covered waits for none.
    /// </summary>
    [SqliteFact]
    public async Task Commits_that_wait_together_share_one_sync_of_the_log()
    {
        const int commits = 8;
        await using var quiet = TestApp.With(new TestAppOptions { Outbox = false, SqliteOnly = true, Settings = NoAuditSweep });
        var provider = Assert.IsType<SqliteProvider>(quiet.Services.GetRequiredService<IDatabaseProvider>());
        var ids = new List<long>();
        for (var i = 0; i < commits; i++)
        {
            ids.Add(await quiet.CreateUserAsync());
        }

        // Commits no one has waited for yet: each in a turn of its own, written straight through a context.
        foreach (var id in ids)
        {
            await using var scope = quiet.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CleanUserDbContext>();
            using (await provider.EnterWriteTurnAsync(CancellationToken.None))
            {
                await db.Users.Where(u => u.Id == id).ExecuteUpdateAsync(s => s.SetProperty(u => u.Bio, "unsynced"));
            }
        }

        var before = provider.LogSyncs;
        await Task.WhenAll(Enumerable.Range(0, commits).Select(_ => Task.Run(provider.WhenSyncedAsync)));
        Assert.Equal(before + 1, provider.LogSyncs);

        await provider.WhenSyncedAsync();
        Assert.Equal(before + 1, provider.LogSyncs);
    }

    [SqliteFact]
    public async Task The_outbox_acts_on_a_change_only_once_everything_committed_before_is_synced_to_disk()
    {
        var seen = new SyncSeenByHandler();
        await using var dispatching = TestApp.With(new TestAppOptions
        {
            SqliteOnly = true,
            Settings = NoAuditSweep,
            Services = services => services
                .AddSingleton(seen)
                .AddTransient<INotificationHandler<DomainEventNotification<UserUpdated>>, SyncObservingHandler>(),
        });
        var id = await dispatching.CreateUserAsync();

        using var response = await dispatching.ClientFor(id).PatchAsJsonAsync($"/api/v2/user/{id}/", new { bio = "delivered" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // The round's claim is a commit of its own; a handler that ran before the sync would find it unsynced.
        Assert.True(await seen.Synced.Task.WaitAsync(TimeSpan.FromSeconds(30)), "a handler ran before the commits it follows were synced");
    }

    /// <summary>Audit entries kept forever: the sweep that would otherwise write at start-up does not run.</summary>
    private static readonly Dictionary<string, string> NoAuditSweep = new() { ["Audit:RetentionDays"] = "0" };

    /// <summary>What <see cref="SyncObservingHandler"/> found when it ran.</summary>
    public sealed class SyncSeenByHandler
    {
        public TaskCompletionSource<bool> Synced { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Records whether every commit of the process was on disk when the dispatcher handed it a change.</summary>
    public sealed class SyncObservingHandler(IDatabaseProvider provider, SyncSeenByHandler seen)
        : INotificationHandler<DomainEventNotification<UserUpdated>>
    {
        public Task Handle(DomainEventNotification<UserUpdated> notification, CancellationToken cancellationToken)
        {
            seen.Synced.TrySetResult(provider.WhenSyncedAsync().IsCompletedSuccessfully);
            return Task.CompletedTask;
        }
    }
}
