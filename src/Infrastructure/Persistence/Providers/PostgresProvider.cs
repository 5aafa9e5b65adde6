using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace CleanUser.Infrastructure.Persistence.Providers;

/// <summary>
/// PostgreSQL, for several instances over one database (docs/adr/0006-postgresql.md): its own context type and
/// migrations, transient failures retried, and a row lock for the user a command changes.
/// </summary>
public sealed class PostgresProvider : IDatabaseProvider
{
    /// <summary>Transient PostgreSQL failures (a dropped connection, a fail-over, a deadlock) are retried this often.</summary>
    public const int MaxRetryCount = 3;

    /// <summary>
    /// Kept short: a retried command holds a request. With three retries an unreachable server is reported after
    /// a few seconds, not minutes.
    /// </summary>
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How many statements each connection keeps prepared on the server, unless the connection string says (<c>Max Auto
    /// Prepare</c>; <c>0</c> turns it off): Npgsql prepares a statement once it has run a few times, and the service runs
    /// a few dozen distinct ones (docs/adr/0029-prepared-statements.md).
    /// </summary>
    public const int AutoPreparedStatements = 64;

    /// <summary>The names Npgsql takes for <c>Max Auto Prepare</c>.</summary>
    private static readonly string[] MaxAutoPrepareKeywords = ["Max Auto Prepare", "MaxAutoPrepare"];

    public PostgresProvider(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    /// <summary>
    /// Requires <c>ConnectionStrings:Default</c>: there is no sensible default server. A missing or malformed one is an
    /// <see cref="InvalidOperationException"/> naming the key.
    /// </summary>
    public static PostgresProvider FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = configuration.GetConnectionString(DatabaseConfiguration.ConnectionStringName);
        if (string.IsNullOrWhiteSpace(configured))
        {
            throw new InvalidOperationException(
                $"{DatabaseConfiguration.ProviderKey} is 'Postgres' but ConnectionStrings:{DatabaseConfiguration.ConnectionStringName} is not set " +
                "(for example 'Host=db;Database=cleanuser;Username=cleanuser;Password=…').");
        }

        try
        {
            var builder = new NpgsqlConnectionStringBuilder(configured);
            // Npgsql's builder says every keyword it knows is there; the string as written says what the operator set.
            var written = new DbConnectionStringBuilder { ConnectionString = configured };
            if (!MaxAutoPrepareKeywords.Any(written.ContainsKey))
            {
                builder.MaxAutoPrepare = AutoPreparedStatements;
            }

            return new PostgresProvider(builder.ConnectionString);
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException)
        {
            // The message names the bad keyword, never the value: a connection string may hold a password.
            throw new InvalidOperationException(
                $"ConnectionStrings:{DatabaseConfiguration.ConnectionStringName} is not a valid PostgreSQL connection string: {exception.Message}",
                exception);
        }
    }

    public void Configure(DbContextOptionsBuilder options)
    {
        ArgumentNullException.ThrowIfNull(options);

        // The unit of work runs every transaction through the execution strategy and starts each attempt from a
        // clean change tracker, so a retried attempt redoes the whole command.
        options.UseNpgsql(ConnectionString, npgsql =>
            npgsql.EnableRetryOnFailure(MaxRetryCount, MaxRetryDelay, errorCodesToAdd: null));
    }

    public Func<CleanUserDbContext> CreateContextPool(DbContextOptions<CleanUserDbContext> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // The same options (tests add interceptors to them), typed for the context a pool of this type creates.
        var own = new DbContextOptions<PostgresCleanUserDbContext>(options.Extensions.ToDictionary(extension => extension.GetType()));
        return new PooledDbContextFactory<PostgresCleanUserDbContext>(own).CreateDbContext;
    }

    /// <summary>Never before: the row lock that queues commands on one user is a lock of the transaction.</summary>
    public (IDisposable Claim, bool LoadBeforeTransaction) EnterCommandOnUser(long userId) => (NoTurn.Instance, false);

    /// <summary>No queue in this process: PostgreSQL runs writers side by side, and a command's row lock queues those on one user.</summary>
    public Task<IDisposable> EnterWriteTurnAsync(CancellationToken cancellationToken) => NoTurn.Task;

    /// <summary>Nothing to wait for: PostgreSQL syncs a commit before it returns, and groups concurrent ones itself.</summary>
    public Task WhenSyncedAsync() => Task.CompletedTask;

    /// <summary>
    /// On the context's own connection, opened for the read if it is closed: Npgsql pools the server connections, and
    /// a connection held open per pooled context would hold one on the server too.
    /// </summary>
    public async Task<T> ReadAsync<T>(DatabaseFacade database, string statement, long id, Func<DbDataReader, CancellationToken, Task<T>> read,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(read);
        var connection = database.GetDbConnection();
        var opened = connection.State == ConnectionState.Closed;
        if (opened)
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = statement;
                var parameter = command.CreateParameter();
                parameter.ParameterName = "@id";
                parameter.Value = id;
                command.Parameters.Add(parameter);
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    return await read(reader, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            if (opened)
            {
                await connection.CloseAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>PostgreSQL names the violated index; its SQLSTATE says what kind of violation it was.</summary>
    public bool IsUniqueViolation(DbUpdateException exception, IReadOnlyIndex index)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(index);
        return exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } postgres &&
               postgres.ConstraintName == index.GetDatabaseName();
    }

    /// <summary>
    /// What Npgsql calls transient (a network error, a timeout, a dropped connection, a lock or a serialization failure
    /// the execution strategy has retried already), and these SQLSTATEs: class 08 (connection exception), class 53
    /// (insufficient resources: 53100 disk full, 53200 out of memory, 53300 too many connections), 57P01/57P02/57P03
    /// (the server shutting down or not accepting connections yet) and 25006 (a read-only server: a standby).
    /// </summary>
    public bool IsUnavailable(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.AndCauses().OfType<NpgsqlException>().Any(npgsql => npgsql.IsTransient || npgsql is PostgresException
        {
            SqlState: [ '0', '8', _, _, _ ] or [ '5', '3', _, _, _ ]
                or PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
                or PostgresErrorCodes.ReadOnlySqlTransaction,
        });
    }

    /// <summary>
    /// Whether the server is a primary that accepts writes: not in recovery (a standby) and not read-only
    /// (<c>default_transaction_read_only</c>). Nothing is written: a full disk shows only when a write fails (53100, a 503).
    /// </summary>
    public async Task<bool> TakesWritesAsync(DatabaseFacade database, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        var readOnly = await database
            .SqlQuery<bool>($"SELECT pg_is_in_recovery() OR current_setting('transaction_read_only')::boolean AS \"Value\"")
            .SingleAsync(cancellationToken).ConfigureAwait(false);
        return !readOnly;
    }

    /// <summary>
    /// Under READ COMMITTED, commands on one user would all read the same version and all but one fail the concurrency
    /// check — dozens of times over when many arrive at once, beyond the transaction behavior's retries. Locking the
    /// row first queues them, and only on the same user; the version check stays, for If-Match and as the last
    /// guard. Reads outside a command don't lock.
    /// </summary>
    public async Task LockUserForUpdateAsync(DatabaseFacade database, long userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        await database.ExecuteSqlAsync($"SELECT 1 FROM \"Users\" WHERE \"Id\" = {userId} FOR UPDATE", cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>EF Core takes a migration lock, so instances starting together over one database do not race.</summary>
    public async Task<IReadOnlyList<string>> MigrateAsync(DatabaseFacade database, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        var pending = (await database.GetPendingMigrationsAsync(cancellationToken).ConfigureAwait(false)).ToList();
        await database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        return pending;
    }

    private sealed class NoTurn : IDisposable
    {
        public static readonly NoTurn Instance = new();

        public static readonly Task<IDisposable> Task = System.Threading.Tasks.Task.FromResult<IDisposable>(Instance);

        public void Dispose()
        {
        }
    }
}
