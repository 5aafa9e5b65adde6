using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace CleanUser.Infrastructure.Persistence;

/// <summary>SPEC §10 <c>Database:Provider</c>.</summary>
public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// SPEC §10 <c>Database:Provider</c> and <c>ConnectionStrings:Default</c>: which database, and how the context talks
/// to it. A mistake in either is a start-up error naming the key (see <see cref="Validate"/>), never a failure on
/// the first request.
/// </summary>
public static class DatabaseConfiguration
{
    public const string ProviderKey = "Database:Provider";

    public const string ConnectionStringName = "Default";

    /// <summary>Transient PostgreSQL failures (a dropped connection, a fail-over, a deadlock) are retried this often.</summary>
    public const int PostgresMaxRetryCount = 3;

    /// <summary>
    /// Kept short: a retried command holds a request. With three retries an unreachable server is reported after
    /// a few seconds, not minutes.
    /// </summary>
    public static readonly TimeSpan PostgresMaxRetryDelay = TimeSpan.FromSeconds(3);

    public static DatabaseProvider ProviderOf(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = configuration[ProviderKey];
        if (string.IsNullOrWhiteSpace(configured) || configured.Equals(nameof(DatabaseProvider.Sqlite), StringComparison.OrdinalIgnoreCase))
        {
            return DatabaseProvider.Sqlite;
        }

        if (configured.Equals(nameof(DatabaseProvider.Postgres), StringComparison.OrdinalIgnoreCase))
        {
            return DatabaseProvider.Postgres;
        }

        throw new InvalidOperationException(
            $"{ProviderKey} '{configured}' is not supported; use 'Sqlite' or 'Postgres' (see README, Configuration).");
    }

    /// <summary>Throws <see cref="InvalidOperationException"/> with a message naming the key when the settings cannot work.</summary>
    public static void Validate(IConfiguration configuration, string contentRoot)
    {
        _ = ProviderOf(configuration) == DatabaseProvider.Postgres
            ? PostgresConnectionString(configuration)
            : SqliteConnectionString(configuration, contentRoot);
    }

    /// <summary>Configures <paramref name="options"/> for the configured provider.</summary>
    public static void Configure(DbContextOptionsBuilder options, IConfiguration configuration, string contentRoot)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (ProviderOf(configuration) == DatabaseProvider.Postgres)
        {
            // The unit of work runs every transaction through the execution strategy and starts each attempt from a
            // clean change tracker, so a retried attempt redoes the whole command.
            options.UseNpgsql(PostgresConnectionString(configuration), npgsql =>
                npgsql.EnableRetryOnFailure(PostgresMaxRetryCount, PostgresMaxRetryDelay, errorCodesToAdd: null));
            return;
        }

        options.UseSqlite(SqliteConnectionString(configuration, contentRoot));
    }

    /// <summary>The context for the configured provider: each provider has its own migrations, so its own context type.</summary>
    public static CleanUserDbContext CreateContext(IConfiguration configuration, DbContextOptions<CleanUserDbContext> options) =>
        ProviderOf(configuration) == DatabaseProvider.Postgres ? new PostgresCleanUserDbContext(options) : new CleanUserDbContext(options);

    /// <summary>Required for PostgreSQL: there is no sensible default server.</summary>
    private static string PostgresConnectionString(IConfiguration configuration)
    {
        var configured = configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(configured))
        {
            throw new InvalidOperationException(
                $"{ProviderKey} is 'Postgres' but ConnectionStrings:{ConnectionStringName} is not set " +
                "(for example 'Host=db;Database=cleanuser;Username=cleanuser;Password=…').");
        }

        try
        {
            _ = new NpgsqlConnectionStringBuilder(configured);
            return configured;
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException)
        {
            // The message names the bad keyword, never the value: a connection string may hold a password.
            throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionStringName} is not a valid PostgreSQL connection string: {exception.Message}", exception);
        }
    }

    /// <summary>The configured connection string, or a SQLite file in the data folder; relative files are under the content root.</summary>
    private static string SqliteConnectionString(IConfiguration configuration, string contentRoot)
    {
        var configured = configuration.GetConnectionString(ConnectionStringName);
        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(configured ?? "Data Source=" + Path.Combine("data", "cleanuser.db"));
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException)
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionStringName} is not a valid SQLite connection string: {exception.Message}", exception);
        }

        if (builder.DataSource != ":memory:" && builder.Mode != SqliteOpenMode.Memory)
        {
            builder.DataSource = Path.GetFullPath(builder.DataSource, contentRoot);
        }

        builder.DefaultTimeout = builder.DefaultTimeout < 30 ? 30 : builder.DefaultTimeout;
        return builder.ToString();
    }
}
