using CleanUser.Tests.Support;
using System.Data.Common;
using System.Text.Json;
using CleanUser.Application.Common.Security;
using CleanUser.Application.Users.Commands.JsonPatchUser;
using CleanUser.Application.Users.Commands.PatchUser;
using CleanUser.Infrastructure.Audit;
using CleanUser.Infrastructure.Idempotency;
using CleanUser.Infrastructure.Outbox;
using CleanUser.Infrastructure.Persistence;
using CleanUser.Infrastructure.Persistence.Providers;
using CleanUser.Infrastructure.Webhooks;
using MediatR;
using Microsoft.AspNetCore.JsonPatch.SystemTextJson;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace CleanUser.FunctionalTests.Modules;

/// <summary>
/// One request, one load, one query about the name (docs/request-flow.md): the SQL statements a rename sends, counted
/// on the real database. A rule evaluated twice, or a second load of the user, shows up here as an extra statement.
/// </summary>
public sealed class WritePathStatementTests : IDisposable
{
    private readonly StatementRecorder _recorder = new();
    private readonly TestApp _app;

    // No background dispatcher: a test that delivers the outbox does it itself, in the recorded flow.
    public WritePathStatementTests() => _app = TestApp.With(new TestAppOptions
    {
        Outbox = false,
        Services = services => services.ConfigureDbContext<CleanUserDbContext>(options => options.AddInterceptors(_recorder)),
    });

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task A_patch_of_username_asks_once_whether_the_name_is_free_loads_the_user_once_and_writes_once()
    {
        var id = await _app.CreateUserAsync();
        var wanted = UserBuilder.UniqueName("renamed");

        var statements = await RecordAsync(new PatchUserCommand(id, ProfilePatch.Of(("username", wanted), ("bio", "new"))));

        Assert.Equal(wanted, (await _app.ReadUserAsync(id)).Username);
        AssertOneQueryOneLoadOneWrite(statements);
    }

    [Fact]
    public async Task A_json_patch_of_username_runs_the_same_single_validation_and_load()
    {
        var id = await _app.CreateUserAsync();
        var wanted = UserBuilder.UniqueName("patched");
        var document = JsonSerializer.Deserialize<JsonPatchDocument>(
            $$"""[{"op":"replace","path":"/username","value":"{{wanted}}"},{"op":"replace","path":"/bio","value":"new"}]""")!;

        var statements = await RecordAsync(new JsonPatchUserCommand(id, document));

        Assert.Equal(wanted, (await _app.ReadUserAsync(id)).Username);
        AssertOneQueryOneLoadOneWrite(statements);
    }

    /// <summary>
    /// A command reads before its turn at writing (docs/adr/0026-reads-before-the-write-turn.md): while another writer of
    /// the process holds the turn, the PATCH already loads its user, and it writes once the turn is let go. On SQLite a
    /// command that began its transaction first would wait for the turn before loading anything.
    /// </summary>
    [Fact]
    public async Task A_command_loads_its_user_while_another_writer_holds_the_turn_and_writes_after_it()
    {
        var id = await _app.CreateUserAsync();

        var statements = await PatchBioWhileAnotherWriterHoldsTheTurnAsync(id, "after the turn", patch =>
        {
            Assert.False(patch.IsCompleted, "the PATCH wrote while another writer held the turn");
            return Task.CompletedTask;
        });

        Assert.Single(statements, s => s.Contains("UPDATE \"Users\"", StringComparison.Ordinal));
        Assert.Equal("after the turn", (await _app.ReadUserAsync(id)).Bio);
    }

    /// <summary>
    /// A dispatch round claims its rows in one write and records the deliveries in one more, however many rows it
    /// delivered: on SQLite each write is a turn of the one writer and a sync, which a write per row multiplied.
    /// </summary>
    [Fact]
    public async Task An_outbox_round_claims_its_rows_in_one_write_and_records_their_delivery_in_one_more()
    {
        foreach (var _ in Enumerable.Range(0, 5))
        {
            var id = await _app.CreateUserAsync();
            await _app.SendAsync(new PatchUserCommand(id, ProfilePatch.Of(("bio", "queued"))), Caller.System);
        }

        var pending = (await _app.OutboxAsync()).Count(m => m.ProcessedAt is null);
        var statements = await RecordAsync(services => services.GetRequiredService<OutboxDelivery>().DeliverDueAsync(CancellationToken.None));

        Assert.True(pending >= 5, $"{pending} rows were due");
        Assert.All(await _app.OutboxAsync(), m => Assert.NotNull(m.ProcessedAt));
        Assert.Equal(2, statements.Count(s => s.TrimStart().StartsWith("UPDATE \"OutboxMessages\"", StringComparison.Ordinal)));
    }

    /// <summary>
    /// A dispatch round reads the webhook endpoints once, at its first row, however many rows it fans out: without the
    /// query per row a PATCH under load took about a sixth less CPU (docs/adr/0028-webhook-endpoints-per-round.md).
    /// Every row still reaches the endpoint.
    /// </summary>
    [Fact]
    public async Task An_outbox_round_reads_the_webhook_endpoints_once_and_fans_out_every_row()
    {
        await RecordAsync(s => s.GetRequiredService<WebhookEndpoints>()
            .AddAsync(new Uri("http://127.0.0.1:9/hook"), [WebhookEventTypes.UserUpdated], null, CancellationToken.None));
        foreach (var _ in Enumerable.Range(0, 5))
        {
            var id = await _app.CreateUserAsync();
            await _app.SendAsync(new PatchUserCommand(id, ProfilePatch.Of(("bio", "to fan out"))), Caller.System);
        }

        var statements = await RecordAsync(services => services.GetRequiredService<OutboxDelivery>().DeliverDueAsync(CancellationToken.None));

        Assert.Single(statements, s => s.Contains("FROM \"WebhookEndpoints\"", StringComparison.Ordinal));
        Assert.Equal(5, await _app.QueryAsync(db => db.Set<WebhookDelivery>().CountAsync()));
    }

    /// <summary>
    /// Another process (an operator verb) does not see this process's counts: it may change the user between a command's
    /// early load and its save. The save is refused, nothing is written, and the command runs again with its
    /// transaction begun first, on the row as the other process left it (docs/adr/0026-reads-before-the-write-turn.md).
    /// </summary>
    [SqliteFact]
    public async Task A_user_another_process_changes_after_an_early_load_is_loaded_again_and_both_changes_stay()
    {
        var id = await _app.CreateUserAsync();
        var before = await _app.ReadUserAsync(id);

        var statements = await PatchBioWhileAnotherWriterHoldsTheTurnAsync(id, "from this process", async _ =>
        {
            await using var scope = _app.Services.CreateAsyncScope();
            await using var other = new SqliteConnection(scope.ServiceProvider.GetRequiredService<CleanUserDbContext>().Database.GetConnectionString());
            await other.OpenAsync();
            await using var change = other.CreateCommand();
            change.CommandText = "UPDATE \"Users\" SET \"Location\" = 'from another process', \"Version\" = \"Version\" + 1 WHERE \"Id\" = $id";
            change.Parameters.AddWithValue("$id", id);
            Assert.Equal(1, await change.ExecuteNonQueryAsync());
        });

        Assert.Equal(2, statements.Count(s => s.Contains("\"Tags\"", StringComparison.Ordinal)));
        Assert.Equal(before with { Bio = "from this process", Location = "from another process", Version = before.Version + 2 },
            await _app.ReadUserAsync(id));
    }

    /// <summary>
    /// Commands that arrive together on one user load it in their turns, one after the other, as each commit leaves it
    /// (docs/adr/0026-reads-before-the-write-turn.md): only a command alone at its user loads before its turn. Loading
    /// early, each would read the version the first one is about to change, and its save would be refused and run again.
    /// A refused save still sends its <c>UPDATE</c>, so the count of them is the count of refusals.
    /// </summary>
    /// <remarks>
    /// How many arrive together depends on the scheduler (on a busy machine the tasks start a few at a time), so the
    /// bound is the design's own rather than a typical count: only a command that found no other at the user loads
    /// early, so two that load early are never at the user at once, and each refusal needs another command that arrived
    /// during that early load and took the turn first. Its retry begins first and is not refused again. So at most half
    /// the saves are refused; when every command loads early, 30 or 31 of the 32 are.
    /// </remarks>
    [Fact]
    public async Task Commands_arriving_together_on_one_user_wait_for_each_other_rather_than_fail_and_run_again()
    {
        const int writers = 32;
        var id = await _app.CreateUserAsync();
        var before = (await _app.ReadUserAsync(id)).Version;
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var runs = Enumerable.Range(0, writers).Select(i => Task.Run(async () =>
        {
            await go.Task;
            return await RecordAsync(new PatchUserCommand(id, ProfilePatch.Of(("bio", $"writer {i}"))));
        })).ToList();
        go.SetResult();

        var updates = (await Task.WhenAll(runs)).Sum(statements => statements.Count(s => s.Contains("UPDATE \"Users\"", StringComparison.Ordinal)));

        Assert.Equal(before + writers, (await _app.ReadUserAsync(id)).Version);
        Assert.InRange(updates - writers, 0, writers / 2);
    }

    /// <summary>
    /// Each connection prepares a statement once and runs it for every command after (docs/adr/0029-prepared-statements.md).
    /// SQLite lists the statements a connection keeps prepared and counts the runs of each: the user's update of every
    /// PATCH is a run of one that is still prepared after it, and there is one such statement per connection, not per PATCH.
    /// </summary>
    [SqliteFact]
    public async Task The_update_of_a_patch_runs_a_statement_its_connection_prepared_once()
    {
        const int patches = 20;
        var id = await _app.CreateUserAsync();

        var sent = new HashSet<string>();
        for (var i = 0; i < patches; i++)
        {
            sent.UnionWith(await RecordAsync(new PatchUserCommand(id, ProfilePatch.Of(("bio", $"bio {i}")))));
        }

        // The PATCHes' update, as SQLite keeps it (one statement of the command EF Core sent); not another update of
        // Users that a connection still keeps from before, such as a migration's on the context that ran them.
        var updates = _recorder.Connections.Cast<SqliteConnection>()
            .SelectMany(connection => PreparedStatements(connection).Where(s =>
                s.Sql.StartsWith("UPDATE \"Users\"", StringComparison.Ordinal) && sent.Any(command => command.Contains(s.Sql, StringComparison.Ordinal))))
            .ToList();
        Assert.Equal(patches, updates.Sum(update => update.Runs));
        Assert.InRange(updates.Count, 1, _recorder.Connections.Count);
    }

    /// <summary>
    /// Each pooled context keeps its SQLite connection open (docs/adr/0029-prepared-statements.md), up to a bound: after
    /// more contexts at once than it, those past it close their connections as they go back to the pool (EF Core's pool
    /// keeps the contexts themselves).
    /// </summary>
    [SqliteFact]
    public async Task After_a_burst_of_contexts_at_most_the_bound_of_connections_stays_open()
    {
        const int AtOnce = KeptSqliteConnection.MaxOpen * 2;
        var scopes = Enumerable.Range(0, AtOnce).Select(_ => _app.Services.CreateAsyncScope()).ToList();
        foreach (var scope in scopes)
        {
            // Held open, as by a request between its statements.
            var db = scope.ServiceProvider.GetRequiredService<CleanUserDbContext>();
            await db.Database.OpenConnectionAsync();
            await db.Users.AnyAsync();
        }

        Assert.True(OpenLogHandles() >= AtOnce, "every context at once has its connection open");
        foreach (var scope in scopes)
        {
            await scope.DisposeAsync();
        }

        // The app's background services may hold a few more at this moment.
        Assert.InRange(OpenLogHandles(), 1, KeptSqliteConnection.MaxOpen + 4);
    }

    /// <summary>
    /// How many file descriptors of this process are open on the app's write-ahead log: one per open SQLite connection
    /// that has read. (Not the database file: SQLite keeps a closed connection's descriptor of it open for reuse while
    /// another connection of the process holds a lock on the file.)
    /// </summary>
    private int OpenLogHandles() =>
        new DirectoryInfo("/proc/self/fd").EnumerateFileSystemInfos().Count(fd => fd.LinkTarget == _app.DatabasePath + "-wal");

    /// <summary>
    /// On PostgreSQL, Npgsql prepares a statement on the server once a connection has run it a few times, and keeps it
    /// there (docs/adr/0029-prepared-statements.md): after a run of PATCHes, the update of one is prepared.
    /// </summary>
    [PostgresFact]
    public async Task On_postgres_the_update_of_a_patch_is_prepared_on_the_server() =>
        Assert.Contains(await PreparedOnServerAfterPatchesAsync(_app), IsUserUpdate);

    /// <summary>An operator's <c>Max Auto Prepare</c> in the connection string wins: <c>0</c> prepares nothing.</summary>
    [PostgresFact]
    public async Task On_postgres_a_connection_string_that_sets_Max_Auto_Prepare_keeps_its_setting()
    {
        using var folder = TestFolder.Create();
        var unprepared = new Npgsql.NpgsqlConnectionStringBuilder(folder.Database.ConnectionString) { MaxAutoPrepare = 0 };
        using var app = TestApp.Over(folder, new TestAppOptions
        {
            Outbox = false,
            Settings = new Dictionary<string, string> { ["ConnectionStrings:Default"] = unprepared.ConnectionString },
        });

        Assert.DoesNotContain(await PreparedOnServerAfterPatchesAsync(app), IsUserUpdate);
    }

    private static bool IsUserUpdate(string statement) => statement.StartsWith("UPDATE \"Users\"", StringComparison.Ordinal);

    /// <summary>What the next connection <paramref name="app"/> hands out has prepared on the server, after 20 PATCHes.</summary>
    private static async Task<List<string>> PreparedOnServerAfterPatchesAsync(TestApp app)
    {
        var id = await app.CreateUserAsync();
        for (var i = 0; i < 20; i++)
        {
            await using var patch = app.Services.CreateAsyncScope();
            patch.ServiceProvider.GetRequiredService<CurrentCaller>().ActAs(Caller.System);
            await patch.ServiceProvider.GetRequiredService<IMediator>().Send(new PatchUserCommand(id, ProfilePatch.Of(("bio", $"bio {i}"))));
        }

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CleanUserDbContext>();
        return await db.Database.SqlQueryRaw<string>("SELECT statement AS \"Value\" FROM pg_prepared_statements").ToListAsync();
    }

    /// <summary>
    /// No statement of a dispatch round reads the whole outbox: delivered rows stay for the retention period (7 days by
    /// default), so a round that scanned them cost more with every change ever made. SQLite's plan for each statement is
    /// asked of SQLite itself (PostgreSQL may rightly scan a table this small).
    /// </summary>
    [SqliteFact]
    public async Task No_statement_of_an_outbox_round_scans_the_outbox_table()
    {
        var id = await _app.CreateUserAsync();
        await _app.SendAsync(new PatchUserCommand(id, ProfilePatch.Of(("bio", "queued"))), Caller.System);

        var statements = await RecordAsync(services => services.GetRequiredService<OutboxDelivery>().DeliverDueAsync(CancellationToken.None));

        var plans = await PlansAsync(statements.Where(s => s.Contains("\"OutboxMessages\"", StringComparison.Ordinal)));
        Assert.Contains(plans, p => p.StartsWith("SEARCH", StringComparison.Ordinal));
        Assert.DoesNotContain(plans, p => p.StartsWith("SCAN", StringComparison.Ordinal));
    }

    /// <summary>
    /// No delete of what has expired reads the whole table it deletes from: the periodic purges (delivered outbox rows,
    /// webhook events with their deliveries and attempts, idempotency keys, audit entries) and a rename's delete of
    /// expired username holds. Each table keeps its rows for a retention or hold period, and on SQLite a delete holds the
    /// one writer of the file: a purge that scanned a million delivered outbox rows kept every PATCH waiting ~110 ms.
    /// </summary>
    [SqliteFact]
    public async Task No_delete_of_expired_rows_scans_the_table_it_deletes_from()
    {
        var id = await _app.CreateUserAsync();
        var statements = new List<string>();
        statements.AddRange(await RecordAsync(s => s.GetRequiredService<OutboxDelivery>().PurgeDeliveredAsync(CancellationToken.None)));
        statements.AddRange(await RecordAsync(s => s.GetRequiredService<WebhookSender>().PurgeAsync(CancellationToken.None)));
        statements.AddRange(await RecordAsync(s => s.GetRequiredService<IdempotencyKeys>().DeleteExpiredAsync(CancellationToken.None)));
        statements.AddRange(await RecordAsync(s => s.GetRequiredService<AuditRetention>().PruneAsync(CancellationToken.None)));
        statements.AddRange(await RecordAsync(new PatchUserCommand(id, ProfilePatch.Of(("username", $"renamed_{id}")))));

        var deletes = statements.Where(s => s.TrimStart().StartsWith("DELETE", StringComparison.Ordinal)).ToList();
        Assert.Equal(7, deletes.Count);
        var scans = new List<string>();
        foreach (var delete in deletes)
        {
            var plan = await PlansAsync([delete]);
            if (plan.Exists(p => p.StartsWith("SCAN", StringComparison.Ordinal)))
            {
                scans.Add($"{delete}\n  {string.Join("\n  ", plan)}");
            }
        }

        Assert.True(scans.Count == 0, string.Join("\n\n", scans));
    }

    /// <summary>
    /// Every write of the process takes a turn of its writers, a webhook round's claim of its deliveries too: sent straight
    /// to SQLite, the claim would meet a command's transaction on the lock and sleep in Microsoft.Data.Sqlite's busy retry
    /// (about 150 ms a round), or make the command sleep there. On PostgreSQL a turn is no wait, hence SQLite only.
    /// </summary>
    [SqliteFact]
    public async Task A_webhook_round_claims_its_deliveries_in_a_turn_of_the_process_writers()
    {
        var id = await _app.CreateUserAsync();
        await RecordAsync(s => s.GetRequiredService<WebhookEndpoints>()
            .AddAsync(new Uri("http://127.0.0.1:9/hook"), [WebhookEventTypes.UserUpdated], null, CancellationToken.None));
        await _app.SendAsync(new PatchUserCommand(id, ProfilePatch.Of(("bio", "to deliver"))), Caller.System);
        // The change's fan-out: one delivery waiting for the round.
        await RecordAsync(s => s.GetRequiredService<OutboxDelivery>().DeliverDueAsync(CancellationToken.None));

        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var claimed = false;
        _recorder.Seen = statement =>
        {
            // The round's last question before its claim: is an earlier event still waiting for its fan-out?
            if (statement.Contains("MIN(", StringComparison.Ordinal))
            {
                asked.TrySetResult();
            }

            claimed |= statement.Contains("UPDATE \"WebhookDeliveries\"", StringComparison.Ordinal);
        };

        Task<List<string>> round;
        using (await _app.Services.GetRequiredService<IDatabaseProvider>().EnterWriteTurnAsync(CancellationToken.None))
        {
            round = RecordAsync(s => s.GetRequiredService<WebhookSender>().DeliverDueAsync(CancellationToken.None));
            await asked.Task.WaitAsync(TimeSpan.FromSeconds(30));
            // Time for a claim that does not wait for the turn to reach the database.
            await Task.Delay(TimeSpan.FromMilliseconds(300));
            Assert.False(claimed, "the round claimed its deliveries while another writer held the turn");
        }

        await round;
        Assert.True(claimed, "the round claimed nothing once the turn was let go");
    }

    /// <summary>SQLite's plan for each statement, a line per step (<c>EXPLAIN QUERY PLAN</c>; parameters left unbound).</summary>
    private async Task<List<string>> PlansAsync(IEnumerable<string> statements)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CleanUserDbContext>();
        await db.Database.OpenConnectionAsync();
        var plans = new List<string>();
        foreach (var statement in statements)
        {
            await using var explain = db.Database.GetDbConnection().CreateCommand();
            explain.CommandText = "EXPLAIN QUERY PLAN " + statement;
            await using var reader = await explain.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                plans.Add(reader.GetString(3));
            }
        }

        return plans;
    }

    /// <summary>
    /// One SELECT asks everything about the name (taken, held, looks alike, the last rename); one loads the user. The
    /// rename writes the user and holds the name it gave up (docs/api.md#username-policy), removing expired holds first;
    /// its event goes to the outbox with it (docs/outbox.md), and its audit entry (docs/security.md#audit-trail).
    /// </summary>
    private static void AssertOneQueryOneLoadOneWrite(List<string> statements)
    {
        var selects = statements.Where(s => s.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase)).ToList();
        var facts = Assert.Single(selects, s => s.Contains("\"NormalizedUsername\" =", StringComparison.Ordinal));
        Assert.Contains("\"UsernameSkeleton\" =", facts, StringComparison.Ordinal);
        Assert.Contains("\"ReleasedUsernames\"", facts, StringComparison.Ordinal);
        // The user with its tags; on PostgreSQL the row lock comes first ("SELECT 1 ... FOR UPDATE").
        Assert.Single(selects, s => s.Contains("\"Tags\"", StringComparison.Ordinal));
        // The writes at the commit: the user's UPDATE, the hold's INSERT, the outbox row's and the audit entry's (PostgreSQL
        // sends them as one batch).
        var writes = statements.Where(s => !s.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.Single(writes, s => s.TrimStart().StartsWith("DELETE FROM \"ReleasedUsernames\"", StringComparison.Ordinal));
        Assert.Single(writes, s => s.Contains("UPDATE \"Users\"", StringComparison.Ordinal));
        Assert.Single(writes, s => s.Contains("INSERT INTO \"ReleasedUsernames\"", StringComparison.Ordinal));
        Assert.Single(writes, s => s.Contains("INSERT INTO \"OutboxMessages\"", StringComparison.Ordinal));
        Assert.Single(writes, s => s.Contains("INSERT INTO \"AuditEntries\"", StringComparison.Ordinal));
        Assert.All(writes, s => Assert.True(
            s.Contains("\"ReleasedUsernames\"", StringComparison.Ordinal) || s.Contains("UPDATE \"Users\"", StringComparison.Ordinal) ||
            s.Contains("INSERT INTO \"OutboxMessages\"", StringComparison.Ordinal) || s.Contains("INSERT INTO \"AuditEntries\"", StringComparison.Ordinal),
            $"unexpected statement: {s}"));
        Assert.All(selects, s => Assert.True(
            s.Contains("\"NormalizedUsername\" =", StringComparison.Ordinal) || s.Contains("\"Tags\"", StringComparison.Ordinal) ||
            s.Contains("FOR UPDATE", StringComparison.Ordinal), $"unexpected statement: {s}"));
    }

    /// <summary>
    /// Holds the process's turn at writing, sends a PATCH of <paramref name="bio"/>, and once the PATCH has loaded the user
    /// runs <paramref name="whileHeld"/> with it; then lets the turn go and returns the PATCH's statements.
    /// </summary>
    private async Task<List<string>> PatchBioWhileAnotherWriterHoldsTheTurnAsync(long id, string bio, Func<Task<List<string>>, Task> whileHeld)
    {
        var loaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _recorder.Seen = statement =>
        {
            if (statement.Contains("\"Tags\"", StringComparison.Ordinal))
            {
                loaded.TrySetResult();
            }
        };

        Task<List<string>> patch;
        using (await _app.Services.GetRequiredService<IDatabaseProvider>().EnterWriteTurnAsync(CancellationToken.None))
        {
            patch = RecordAsync(new PatchUserCommand(id, ProfilePatch.Of(("bio", bio))));
            await loaded.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await whileHeld(patch);
        }

        return await patch;
    }

    /// <summary>The statements EF Core sends while <paramref name="command"/> runs in this flow (other tests' are not seen).</summary>
    private Task<List<string>> RecordAsync<T>(IRequest<T> command) =>
        RecordAsync(services => services.GetRequiredService<IMediator>().Send(command));

    private async Task<List<string>> RecordAsync(Func<IServiceProvider, Task> work)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentCaller>().ActAs(Caller.System);
        var statements = new List<string>();
        _recorder.Recording.Value = statements;
        try
        {
            await work(scope.ServiceProvider);
        }
        finally
        {
            _recorder.Recording.Value = null;
        }

        return statements;
    }

    /// <summary>The statements <paramref name="connection"/> keeps prepared, with how often each has run.</summary>
    private static List<(string Sql, int Runs)> PreparedStatements(SqliteConnection connection)
    {
        const int RunsCounter = 6; // SQLITE_STMTSTATUS_RUN
        var statements = new List<(string, int)>();
        for (var statement = SQLitePCL.raw.sqlite3_next_stmt(connection.Handle, null); statement is { IsInvalid: false };
             statement = SQLitePCL.raw.sqlite3_next_stmt(connection.Handle, statement))
        {
            statements.Add((SQLitePCL.raw.sqlite3_sql(statement).utf8_to_string(), SQLitePCL.raw.sqlite3_stmt_status(statement, RunsCounter, 0)));
        }

        return statements;
    }

    private sealed class StatementRecorder : DbCommandInterceptor, IDbConnectionInterceptor
    {
        /// <summary>Lets <see cref="PreparedStatements"/> list a SQLite connection's statements, which must be allowed as it opens.</summary>
        public Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            (connection as SqliteConnection)?.Handle!.enable_sqlite3_next_stmt(true);
            return Task.CompletedTask;
        }

        public void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) =>
            (connection as SqliteConnection)?.Handle!.enable_sqlite3_next_stmt(true);

        public AsyncLocal<List<string>?> Recording { get; } = new();

        /// <summary>Called with every statement recorded, as it is sent.</summary>
        public Action<string>? Seen { get; set; }

        /// <summary>The connections the recorded statements ran on.</summary>
        public HashSet<DbConnection> Connections { get; } = [];

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Record(command);
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Record(command);
            return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<object> result, CancellationToken cancellationToken = default)
        {
            Record(command);
            return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
        }

        private void Record(DbCommand command)
        {
            if (Recording.Value is { } statements)
            {
                statements.Add(command.CommandText);
                Connections.Add(command.Connection!);
                Seen?.Invoke(command.CommandText);
            }
        }
    }
}
