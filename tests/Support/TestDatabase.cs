using Microsoft.Data.Sqlite;
using Npgsql;

namespace CleanUser.Tests.Support;

/// <summary>
/// The database of a test host, or of several hosts that share it. By default a SQLite file; when the environment
/// variable <c>CLEANUSER_TEST_POSTGRES</c> holds a PostgreSQL server connection string, a fresh PostgreSQL database
/// with a name of its own, created here and dropped on dispose. So the same tests run on either provider.
/// </summary>
public sealed class TestDatabase : IDisposable
{
    public const string PostgresVariable = "CLEANUSER_TEST_POSTGRES";

    private bool _dropped;

    private TestDatabase(string provider, string connectionString, string? sqlitePath, string? postgresName)
    {
        Provider = provider;
        ConnectionString = connectionString;
        SqlitePath = sqlitePath;
        PostgresName = postgresName;
    }

    /// <summary>The server from <c>CLEANUSER_TEST_POSTGRES</c> (e.g. <c>Host=127.0.0.1;Username=postgres;Password=…</c>), or null.</summary>
    public static string? PostgresServer =>
        Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } server ? server : null;

    /// <summary>Whether this test run is on PostgreSQL.</summary>
    public static bool OnPostgres => PostgresServer is not null;

    /// <summary>The <c>Database:Provider</c> value: <c>Sqlite</c> or <c>Postgres</c>.</summary>
    public string Provider { get; }

    public string ConnectionString { get; }

    /// <summary>The SQLite file, on SQLite.</summary>
    public string? SqlitePath { get; }

    /// <summary>The database's name, on PostgreSQL.</summary>
    public string? PostgresName { get; }

    public bool IsPostgres => PostgresName is not null;

    /// <summary>The settings a host needs to use this database.</summary>
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Database:Provider"] = Provider,
        ["ConnectionStrings:Default"] = ConnectionString,
    };

    /// <summary>A new PostgreSQL database when the run is on PostgreSQL, else the SQLite file <paramref name="sqlitePath"/>.</summary>
    public static TestDatabase Create(string sqlitePath) => OnPostgres ? CreatePostgres() : Sqlite(sqlitePath);

    /// <summary>The SQLite file <paramref name="path"/>, whatever the run: for tests about SQLite itself.</summary>
    public static TestDatabase Sqlite(string path) => new("Sqlite", $"Data Source={path}", path, postgresName: null);

    public static TestDatabase CreatePostgres()
    {
        var server = PostgresServer ?? throw new InvalidOperationException($"{PostgresVariable} is not set.");
        var name = "cleanuser_test_" + Guid.NewGuid().ToString("N");
        ExecuteOnServer(server, $"CREATE DATABASE \"{name}\"");
        var database = new NpgsqlConnectionStringBuilder(server)
        {
            Database = name,
            // Many test hosts run at once against one server (max_connections is 100 by default): keep each pool small
            // and hand idle connections back soon.
            MaxPoolSize = 20,
            ConnectionIdleLifetime = 2,
            ConnectionPruningInterval = 1,
        };
        return new("Postgres", database.ConnectionString, sqlitePath: null, name);
    }

    /// <summary>
    /// PostgreSQL: drops the database, closing whatever is still connected to it. SQLite: releases the pooled
    /// connections, so the file (in a folder its owner deletes) can go.
    /// </summary>
    public void Drop()
    {
        _dropped = true;
        if (!IsPostgres)
        {
            SqliteConnection.ClearAllPools();
            return;
        }

        using (var connection = new NpgsqlConnection(ConnectionString))
        {
            NpgsqlConnection.ClearPool(connection);
        }

        ExecuteOnServer(PostgresServer!, $"DROP DATABASE IF EXISTS \"{PostgresName}\" WITH (FORCE)");
    }

    public void Dispose()
    {
        if (!_dropped)
        {
            Drop();
        }
    }

    private static void ExecuteOnServer(string server, string sql)
    {
        // Not pooled: these connections go to the server's maintenance database, which no test host uses.
        using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Pooling = false }.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
