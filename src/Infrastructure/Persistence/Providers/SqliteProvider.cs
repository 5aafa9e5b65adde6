using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Sqlite.Storage.Internal;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Configuration;

namespace CleanUser.Infrastructure.Persistence.Providers;

/// <summary>
/// The embedded database: one SQLite file (by default in the data folder), in WAL mode, every commit synced to disk
/// before anything acts on it (docs/adr/0007-sqlite-synchronous.md), one sync for the commits that wait together
/// (<see cref="WalSync"/>, docs/adr/0027-group-sync.md). SQLite has one writer at a time; a transaction of the unit of work begins
/// <c>IMMEDIATE</c> (Microsoft.Data.Sqlite's default for <c>BeginTransaction</c>, which EF Core uses), so it holds the
/// write lock from its first statement.
/// </summary>
/// <remarks>
/// Writers of this process queue on an in-process gate (<see cref="EnterWriteTurnAsync"/>) rather than on SQLite's lock:
/// a transaction that finds the lock taken falls into Microsoft.Data.Sqlite's busy retry, which sleeps about 150 ms
/// between attempts, so under concurrent writes most of the time went to sleeping, not writing. With the gate at most
/// one of this process's transactions asks SQLite for the lock at a time, and waiters are woken in order the moment
/// it is free. The busy timeout (<c>Default Timeout</c> in the connection string, 30 s unless set) still covers another
/// process on the same file (an operator verb); past it a command fails with SQLITE_BUSY, which is a 503.
/// </remarks>
public sealed class SqliteProvider : IDatabaseProvider, IDisposable
{
    /// <summary>SQLITE_CONSTRAINT_UNIQUE.</summary>
    private const int SqliteUniqueConstraintFailed = 2067;

    /// <summary>Microsoft.Data.Sqlite's own default: how long a command waits for a lock held by another process.</summary>
    private const int DefaultTimeoutSeconds = 30;

    /// <summary>
    /// How long the readiness probe waits for another process's lock, at most: well inside readiness's own bound, since
    /// SQLite's busy wait does not heed cancellation.
    /// </summary>
    private const int ProbeTimeoutSeconds = 2;

    /// <summary>
    /// The primary result codes that mean the file cannot serve now, whatever the request: SQLITE_BUSY (5) and
    /// SQLITE_LOCKED (6) past the busy timeout, SQLITE_READONLY (8), SQLITE_IOERR (10), SQLITE_FULL (13),
    /// SQLITE_CANTOPEN (14).
    /// </summary>
    private static readonly int[] UnavailableCodes = [5, 6, 8, 10, 13, 14];

    /// <summary>SQLITE_CONFIG_MEMSTATUS: whether SQLite keeps process-wide memory statistics.</summary>
    private const int ConfigMemoryStatistics = 9;

    /// <summary>How many counters <see cref="EnterCommandOnUser"/> spreads users over.</summary>
    private const int UserCounters = 1024;

    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly int[] _commandsOnUser = new int[UserCounters];
    private readonly SqliteSynchronousInterceptor _synchronous = new();
    private readonly KeptConnectionInterceptor _keptConnections;
    private readonly string _contextConnectionString;
    private readonly WalSync? _walSync;

    /// <summary>The connection string that may create the file: the configured one, when its mode lets it.</summary>
    private readonly string? _createConnectionString;

    /// <summary>
    /// Before this process opens its first SQLite connection: no memory statistics. SQLite keeps them by default, under
    /// one process-wide mutex taken on every allocation, and preparing a statement allocates hundreds of times, so
    /// requests on different threads queued on that mutex (docs/adr/0025-read-model.md: twice the statements per second
    /// on two cores without it). The service reads no statistic. Once a connection is open the setting can no longer
    /// change; SQLite then refuses the call and keeps its default, which is only slower.
    /// </summary>
    static SqliteProvider()
    {
        SQLitePCL.Batteries_V2.Init();
        _ = SQLitePCL.raw.sqlite3_config(ConfigMemoryStatistics, 0);
    }

    public SqliteProvider(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _keptConnections = new KeptConnectionInterceptor(IsUnavailable);
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.DataSource is not (":memory:" or "") && builder.Mode != SqliteOpenMode.Memory)
        {
            _walSync = new WalSync(builder.DataSource);
            if (builder.Mode == SqliteOpenMode.ReadWriteCreate)
            {
                // Only the migration creates the file (MigrateAsync). A file deleted under the running service is then
                // SQLITE_CANTOPEN, a 503, rather than a new empty database on which every request fails.
                _createConnectionString = new SqliteConnectionStringBuilder(builder.ToString()) { Pooling = false }.ToString();
                builder.Mode = SqliteOpenMode.ReadWrite;
            }
        }

        ConnectionString = builder.ToString();

        // A context keeps its connection open (KeptSqliteConnection) and closes it only to open the file anew, which
        // Microsoft.Data.Sqlite's pool would defeat by handing the same connection back.
        builder.Pooling = false;
        _contextConnectionString = builder.ToString();
    }

    /// <summary>
    /// The connection string in use: the data source an absolute path, the lock timeout positive (30 s unless set), and a
    /// file that does not exist not created (only <see cref="MigrateAsync"/> creates it).
    /// </summary>
    public string ConnectionString { get; }

    /// <summary>
    /// The configured connection string, or a SQLite file in the data folder; relative files are under
    /// <paramref name="contentRoot"/>. A malformed one is an <see cref="InvalidOperationException"/> naming the key.
    /// </summary>
    public static SqliteProvider FromConfiguration(IConfiguration configuration, string contentRoot)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = configuration.GetConnectionString(DatabaseConfiguration.ConnectionStringName);
        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(configured ?? "Data Source=" + Path.Combine("data", "cleanuser.db"));
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException)
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{DatabaseConfiguration.ConnectionStringName} is not a valid SQLite connection string: {exception.Message}",
                exception);
        }

        if (builder.DataSource != ":memory:" && builder.Mode != SqliteOpenMode.Memory)
        {
            builder.DataSource = Path.GetFullPath(builder.DataSource, contentRoot);
        }

        // 0 would wait for a lock forever (a request that never ends), a negative value not at all.
        builder.DefaultTimeout = builder.DefaultTimeout > 0 ? builder.DefaultTimeout : DefaultTimeoutSeconds;
        return new SqliteProvider(builder.ToString());
    }

    public void Configure(DbContextOptionsBuilder options)
    {
        ArgumentNullException.ThrowIfNull(options);
#pragma warning disable EF1001 // See KeptSqliteConnection.
        options.UseSqlite(_contextConnectionString)
            .AddInterceptors(_synchronous, _keptConnections)
            .ReplaceService<ISqliteRelationalConnection, KeptSqliteConnection>()
            .ReplaceService<IRelationalCommandBuilderFactory, KeptCommandBuilderFactory>();
#pragma warning restore EF1001
    }

    public Func<CleanUserDbContext> CreateContextPool(DbContextOptions<CleanUserDbContext> options) =>
        new PooledDbContextFactory<CleanUserDbContext>(options).CreateDbContext;

    /// <summary>
    /// SQLite names neither the index nor the kind of violation, only "UNIQUE constraint failed: Users.NormalizedUsername":
    /// the extended code says it was a unique constraint, the message which columns.
    /// </summary>
    public bool IsUniqueViolation(DbUpdateException exception, IReadOnlyIndex index)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(index);
        if (exception.InnerException is not SqliteException { SqliteExtendedErrorCode: SqliteUniqueConstraintFailed } sqlite)
        {
            return false;
        }

        var table = index.DeclaringEntityType.GetTableName();
        var columns = string.Join(", ", index.Properties.Select(p => $"{table}.{p.GetColumnName()}"));
        return sqlite.Message.Contains("UNIQUE constraint failed: " + columns, StringComparison.Ordinal);
    }

    public bool IsUnavailable(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.AndCauses().OfType<SqliteException>().Any(sqlite => UnavailableCodes.Contains(sqlite.SqliteErrorCode));
    }

    /// <summary>
    /// A committed write that changes nothing: <c>user_version</c> (which the service does not use) set to its own value,
    /// in a turn of this process's writers. Its commit appends a page to the WAL, so it fails as a PATCH would on a
    /// read-only file, a full disk, or a lock another process holds past <see cref="ProbeTimeoutSeconds"/>. A
    /// transaction that is rolled back would not do: it never reaches the disk.
    /// </summary>
    public async Task<bool> TakesWritesAsync(DatabaseFacade database, CancellationToken cancellationToken)
    {
        using var turn = await EnterWriteTurnAsync(cancellationToken).ConfigureAwait(false);
        var connection = new SqliteConnection(ConnectionString);
        await using (connection.ConfigureAwait(false))
        {
            connection.DefaultTimeout = Math.Min(connection.DefaultTimeout, ProbeTimeoutSeconds);
            try
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    var command = connection.CreateCommand();
                    await using (command.ConfigureAwait(false))
                    {
                        command.Transaction = transaction;
                        command.CommandText = "PRAGMA user_version;";
                        var version = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false),
                            CultureInfo.InvariantCulture);
                        command.CommandText = string.Create(CultureInfo.InvariantCulture, $"PRAGMA user_version = {version};");
                        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }

                return true;
            }
            catch (SqliteException exception) when (IsUnavailable(exception))
            {
                return false;
            }
        }
    }

    /// <summary>
    /// On the context's connection, with the statement kept prepared on it (<see cref="KeptSqliteConnection"/>):
    /// preparing the statement and opening and closing a connection were most of what a read cost
    /// (docs/adr/0025-read-model.md). Each read is a transaction of its own, so it sees every commit before it. A read
    /// that fails because the file cannot serve has the connection opened anew next time, as a command would.
    /// </summary>
    public async Task<T> ReadAsync<T>(DatabaseFacade database, string statement, long id, Func<DbDataReader, CancellationToken, Task<T>> read,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(read);
        var connection = (KeptSqliteConnection)database.GetService<IRelationalConnection>();
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var command = connection.Prepared(statement);
            if (command.Parameters.Count == 0)
            {
                command.Parameters.Add("@id", SqliteType.Integer);
            }

            command.Parameters[0].Value = id;
            // Inside a unit of work (a module's handler), in its transaction: the read sees what the unit wrote so far.
            command.Transaction = (SqliteTransaction?)connection.CurrentTransaction?.GetDbTransaction();
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                return await read(reader, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await connection.CloseAsync().ConfigureAwait(false);
        }
    }

    public async Task<IDisposable> EnterWriteTurnAsync(CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Turn(_writeGate, _walSync);
    }

    public Task WhenSyncedAsync() => _walSync?.WhenSyncedAsync() ?? Task.CompletedTask;

    /// <summary>How many syncs of the log this process has made (docs/adr/0027-group-sync.md); 0 for a database in memory.</summary>
    public long LogSyncs => _walSync?.Syncs ?? 0;

    /// <summary>
    /// Before, when no other command of this process is at the user: a transaction holds the one write lock of the file,
    /// so a command that loaded inside it kept every writer of the process waiting while it loaded. When another is at
    /// the user, the command begins first and loads in its turn, after the other's commit: loading early it would
    /// only read a version about to change and fail its save (docs/adr/0026-reads-before-the-write-turn.md). Users
    /// share counters (the id modulo <see cref="UserCounters"/>); a shared one only makes a command begin first.
    /// </summary>
    public (IDisposable Claim, bool LoadBeforeTransaction) EnterCommandOnUser(long userId)
    {
        var counter = (int)((ulong)userId % UserCounters);
        var alone = Interlocked.Increment(ref _commandsOnUser[counter]) == 1;
        return (new CommandOnUser(_commandsOnUser, counter), alone);
    }

    /// <summary>
    /// Nothing to do: the transaction began <c>IMMEDIATE</c> and holds the database's write lock, so commands run one
    /// after the other and the user loaded now is the one this command changes.
    /// </summary>
    public Task LockUserForUpdateAsync(DatabaseFacade database, long userId, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Creates the data folder and the file, applies the migrations and switches the file to WAL.</summary>
    public async Task<IReadOnlyList<string>> MigrateAsync(DatabaseFacade database, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        var folder = Path.GetDirectoryName(database.GetDbConnection().DataSource);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        if (_createConnectionString is not null)
        {
            var create = new SqliteConnection(_createConnectionString);
            await using (create.ConfigureAwait(false))
            {
                await create.OpenAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        var pending = (await database.GetPendingMigrationsAsync(cancellationToken).ConfigureAwait(false)).ToList();
        await database.MigrateAsync(cancellationToken).ConfigureAwait(false);

        // WAL lets readers go on while one writer commits; the setting is stored in the file.
        await database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
        return pending;
    }

    public void Dispose()
    {
        _writeGate.Dispose();
    }

    /// <summary>A command counted as at a user (<see cref="EnterCommandOnUser"/>); counted off once, however often it is disposed.</summary>
    private sealed class CommandOnUser(int[] counters, int counter) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Decrement(ref counters[counter]);
            }
        }
    }

    /// <summary>A turn at writing; released once, however often it is disposed.</summary>
    private sealed class Turn(SemaphoreSlim gate, WalSync? walSync) : IDisposable
    {
        private SemaphoreSlim? _gate = gate;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _gate, null) is { } gate)
            {
                walSync?.TurnEnded();
                gate.Release();
            }
        }
    }
}
