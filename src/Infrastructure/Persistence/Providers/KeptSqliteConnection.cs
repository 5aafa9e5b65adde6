using System.Data;
using System.Data.Common;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
#pragma warning disable EF1001 // SqliteRelationalConnection is EF Core's internal API: see the class's summary for why it is used.
using Microsoft.EntityFrameworkCore.Sqlite.Storage.Internal;

namespace CleanUser.Infrastructure.Persistence.Providers;

/// <summary>
/// A pooled context's SQLite connection, kept open from its first use until the context is disposed, with the
/// statements it ran kept prepared (docs/adr/0029-prepared-statements.md). EF Core closes its connection after every
/// query and save, and Microsoft.Data.Sqlite then finalizes every statement of it: so each statement of every request
/// was parsed and planned again, and each use took a pooled connection and registered EF Core's SQL functions on it
/// again. Microsoft.Data.Sqlite has no statement cache (on PostgreSQL, Npgsql's automatic preparation is one), so this
/// class is one. It derives from EF Core's internal SQLite connection service, the one place where EF Core closes a
/// connection (<see cref="CloseDbConnection"/>): everything else EF Core does with the connection, such as registering
/// its functions, stays as it is.
/// </summary>
/// <remarks>
/// Kept open is safe on SQLite: an idle connection with no statement running holds no lock and no read snapshot. A
/// transaction that is still open when the context goes back to its pool is rolled back by EF Core there, as before.
/// An open connection holds the file it opened: if the path now names another file (an operator moved, replaced or
/// deleted it), SQLite would go on reading and writing the old one, in WAL mode writes included, and they would be
/// lost. So the first use of a rented context asks SQLite whether its file has moved, and opens the path anew if so.
/// </remarks>
public sealed class KeptSqliteConnection(
    RelationalConnectionDependencies dependencies,
    IRawSqlCommandBuilder rawSqlCommandBuilder,
    IDiagnosticsLogger<DbLoggerCategory.Infrastructure> logger)
    : SqliteRelationalConnection(dependencies, rawSqlCommandBuilder, logger)
{
    /// <summary>
    /// How many statements one connection keeps prepared, at most: the service runs a few dozen distinct ones. When
    /// another comes, the connection lets go of all it kept, and keeps those that run from then on.
    /// </summary>
    private const int MaxPreparedStatements = 64;

    /// <summary>
    /// How many of the contexts' connections stay open between requests, at most, per database: twice the 32 requests
    /// at once of docs/benchmarks.md. The pool keeps every context a burst made (up to EF Core's 1 024); past this
    /// count, a context's connection is closed when it goes back to the pool, and opened for each use, as EF Core does.
    /// </summary>
    public const int MaxOpen = 64;

    private readonly Dictionary<string, PreparedCommand> _prepared = new(StringComparer.Ordinal);

    /// <summary>The count of this database's open connections: its interceptor, one per provider.</summary>
    private readonly KeptConnectionInterceptor? _keeper = dependencies.ContextOptions.FindExtension<CoreOptionsExtension>()?
        .Interceptors?.OfType<KeptConnectionInterceptor>().SingleOrDefault();

    /// <summary>SQLITE_FCNTL_HAS_MOVED: whether the path of the database no longer names the file the connection has open.</summary>
    private const int FileControlHasMoved = 20;

    /// <summary>The schema name of the database a connection opened, null-terminated, for <see cref="FileControl"/>.</summary>
    private static readonly byte[] MainSchema = "main\0"u8.ToArray();

    private bool _discarded;
    private bool _counted;

    /// <summary>Set while the context is in its pool: its next use first checks that the file is still where it was.</summary>
    private bool _checkFile = true;

    /// <summary>
    /// The command to run in place of <paramref name="initialized"/>, which EF Core has just set up: the one kept for
    /// its text on this connection, with its parameters, transaction and timeout; <paramref name="initialized"/> itself
    /// while the kept one's results are still being read.
    /// </summary>
    internal DbCommand Prepared(DbCommand initialized)
    {
        if (initialized is not SqliteCommand command || !ReferenceEquals(command.Connection, DbConnection))
        {
            return initialized;
        }

        var prepared = Prepared(command.CommandText);
        if (prepared.IsReading)
        {
            return initialized;
        }

        prepared.Parameters.Clear();
        foreach (SqliteParameter parameter in command.Parameters)
        {
            prepared.Parameters.Add(parameter);
        }

        prepared.Transaction = command.Transaction;
        prepared.CommandTimeout = command.CommandTimeout;
        command.Parameters.Clear();
        command.Dispose();
        return prepared;
    }

    /// <summary>The command kept for <paramref name="statement"/> on this open connection; its statements are prepared on its first run.</summary>
    internal PreparedCommand Prepared(string statement)
    {
        if (!_prepared.TryGetValue(statement, out var prepared))
        {
            if (_prepared.Count >= MaxPreparedStatements)
            {
                // Full, as after the migrations' one-off statements: start again with what runs from now on.
                ReleaseStatements();
            }

            prepared = new PreparedCommand(statement, this);
            _prepared.Add(statement, prepared);
        }

        return prepared;
    }

    /// <summary>
    /// After a statement or commit on this connection failed: when the file cannot serve (read-only, full, an I/O
    /// error), the connection is closed at its next use outside a transaction and a read, or when EF Core next lets go
    /// of it, at the latest when the context returns to its pool, so that the next use opens the file as it is then. A
    /// connection SQLite opened read-only, for one, stays read-only however the file changes.
    /// </summary>
    internal void Failed(Exception exception) => _discarded |= _keeper?.IsUnavailable(exception) == true;

    public override bool Open(bool errorsExpected = false)
    {
        CloseIfStale();
        return base.Open(errorsExpected);
    }

    public override Task<bool> OpenAsync(CancellationToken cancellationToken, bool errorsExpected = false)
    {
        CloseIfStale();
        return base.OpenAsync(cancellationToken, errorsExpected);
    }

    protected override void ResetState(bool disposeDbConnection)
    {
        _checkFile = true;
        base.ResetState(disposeDbConnection);
    }

    protected override ValueTask ResetStateAsync(bool disposeDbConnection)
    {
        _checkFile = true;
        return base.ResetStateAsync(disposeDbConnection);
    }

    protected override void OpenDbConnection(bool errorsExpected)
    {
        base.OpenDbConnection(errorsExpected);
        Count();
    }

    protected override async Task OpenDbConnectionAsync(bool errorsExpected, CancellationToken cancellationToken)
    {
        await base.OpenDbConnectionAsync(errorsExpected, cancellationToken).ConfigureAwait(false);
        Count();
    }

    /// <summary>
    /// Leaves the connection open, unless it was discarded or more than <see cref="MaxOpen"/> are open: EF Core calls
    /// this after a use of a connection it opened, and when the context returns to its pool.
    /// </summary>
    protected override void CloseDbConnection()
    {
        if (!KeepsOpen)
        {
            ReleaseStatements();
            base.CloseDbConnection();
            AfterClose();
        }
    }

    protected override async Task CloseDbConnectionAsync()
    {
        if (!KeepsOpen)
        {
            ReleaseStatements();
            await base.CloseDbConnectionAsync().ConfigureAwait(false);
            AfterClose();
        }
    }

    protected override void DisposeDbConnection()
    {
        ReleaseStatements();
        base.DisposeDbConnection();
        AfterClose();
    }

    protected override async ValueTask DisposeDbConnectionAsync()
    {
        ReleaseStatements();
        await base.DisposeDbConnectionAsync().ConfigureAwait(false);
        AfterClose();
    }

    /// <summary>
    /// Before a use, outside a transaction and with no results being read: closes the kept connection, so that EF Core
    /// opens the path as it is now, if a command or commit on it failed because the file cannot serve
    /// (<see cref="Failed"/>), or, on the first use after the context was rented, if its file has moved (see the
    /// remarks; one <c>stat</c> of the path, by SQLite).
    /// </summary>
    private void CloseIfStale()
    {
        var checkFile = _checkFile;
        _checkFile = false;
        if (DbConnection is SqliteConnection { State: ConnectionState.Open, Handle: { } handle } && CurrentTransaction is null &&
            (_discarded || (checkFile && FileControl(handle.DangerousGetHandle(), MainSchema, FileControlHasMoved, out var moved) == 0 && moved != 0)) &&
            !_prepared.Values.Any(command => command.IsReading))
        {
            ReleaseStatements();
            base.CloseDbConnection();
            AfterClose();
        }
    }

    /// <summary>
    /// <c>sqlite3_file_control</c> of the SQLite library Microsoft.Data.Sqlite loaded (its bundle's <c>e_sqlite3</c>),
    /// which SQLitePCLRaw does not expose.
    /// </summary>
    [DllImport("e_sqlite3", EntryPoint = "sqlite3_file_control")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int FileControl(nint database, byte[] schema, int operation, out int result);

    private bool KeepsOpen => !_discarded && _keeper is { OpenConnections: <= MaxOpen };

    private void Count()
    {
        if (!_counted)
        {
            _counted = true;
            _keeper?.Opened();
        }
    }

    /// <summary>After the connection really closed: the next use opens the file anew, and counts it again.</summary>
    private void AfterClose()
    {
        _discarded = false;
        if (_counted)
        {
            _counted = false;
            _keeper?.Closed();
        }
    }

    /// <summary>Lets go of the kept statements: before the connection closes, or to make room.</summary>
    private void ReleaseStatements()
    {
        foreach (var command in _prepared.Values)
        {
            command.Release();
        }

        _prepared.Clear();
    }

    /// <summary>A command whose statements outlive EF Core's disposal of it after each use, until <see cref="Release"/>.</summary>
    internal sealed class PreparedCommand : SqliteCommand
    {
        private readonly KeptSqliteConnection _kept;
        private bool _released;

        public PreparedCommand(string commandText, KeptSqliteConnection kept)
            : base(commandText, (SqliteConnection)kept.DbConnection)
        {
            _kept = kept;
        }

        public bool IsReading => DataReader is not null;

        /// <summary>
        /// Every execution, whatever EF Core called (Microsoft.Data.Sqlite runs the others, async ones included, through
        /// this): a failure because the file cannot serve has the connection opened anew (<see cref="Failed"/>).
        /// </summary>
        public override SqliteDataReader ExecuteReader(CommandBehavior behavior)
        {
            try
            {
                return base.ExecuteReader(behavior);
            }
            catch (SqliteException exception)
            {
                _kept.Failed(exception);
                throw;
            }
        }

        /// <summary>
        /// Finalizes its statements now or, while its results are still being read (a query run while another's reader
        /// is open), when EF Core disposes it after reading.
        /// </summary>
        public void Release()
        {
            _released = true;
            if (!IsReading)
            {
                Dispose();
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && !_released)
            {
                return;
            }

            base.Dispose(disposing);
        }
    }
}

/// <summary>
/// Counts a database's open <see cref="KeptSqliteConnection"/>s (one per provider), and has a connection closed once a
/// commit on it fails because the file cannot serve. Commands are its connections' own concern (<see cref="KeptCommand"/>):
/// a command interceptor would make EF Core build event data and an id (a <c>Guid</c>, a read of <c>/dev/urandom</c>) for
/// every command.
/// </summary>
internal sealed class KeptConnectionInterceptor(Func<Exception, bool> isUnavailable) : IDbTransactionInterceptor
{
    private int _openConnections;

    /// <summary>How many connections of the database's contexts are open now.</summary>
    public int OpenConnections => Volatile.Read(ref _openConnections);

    public void Opened() => Interlocked.Increment(ref _openConnections);

    public void Closed() => Interlocked.Decrement(ref _openConnections);

    public bool IsUnavailable(Exception exception) => isUnavailable(exception);

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Failed(eventData.Context, eventData.Exception);

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Failed(eventData.Context, eventData.Exception);
        return Task.CompletedTask;
    }

    private static void Failed(DbContext? context, Exception exception) =>
        (context?.GetService<IRelationalConnection>() as KeptSqliteConnection)?.Failed(exception);
}
