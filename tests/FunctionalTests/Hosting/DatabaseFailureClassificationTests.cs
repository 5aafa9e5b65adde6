using CleanUser.Infrastructure.Persistence.Providers;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace CleanUser.FunctionalTests.Hosting;

/// <summary>
/// Which of each database's errors mean "try again later" (503) rather than a fault of the request or of the code
/// (docs/security.md#infrastructure-failures) — also wrapped as EF Core reports them. The functional tests
/// (<see cref="DatabaseFailureTests"/>) cause some of them for real; PostgreSQL's disk full, shutdowns and lost
/// connections cannot be caused here, so this table is their test.
/// </summary>
public sealed class DatabaseFailureClassificationTests : IDisposable
{
    private readonly SqliteProvider _sqlite = new("Data Source=:memory:");
    private readonly PostgresProvider _postgres = new("Host=localhost");

    public static TheoryData<int, bool> SqliteCodes => new()
    {
        { 5, true },   // SQLITE_BUSY: another connection's lock, past the busy timeout
        { 6, true },   // SQLITE_LOCKED
        { 8, true },   // SQLITE_READONLY
        { 10, true },  // SQLITE_IOERR
        { 13, true },  // SQLITE_FULL
        { 14, true },  // SQLITE_CANTOPEN
        { 1, false },  // SQLITE_ERROR: a bad statement is the code's fault
        { 11, false }, // SQLITE_CORRUPT: waiting will not mend it
        { 19, false }, // SQLITE_CONSTRAINT: the request's (a taken name is a 400)
    };

    public static TheoryData<string, bool> PostgresStates => new()
    {
        { "53000", true },  // insufficient_resources
        { "53100", true },  // disk_full
        { "53200", true },  // out_of_memory
        { "53300", true },  // too_many_connections
        { "08000", true },  // connection_exception
        { "08006", true },  // connection_failure
        { "57P01", true },  // admin_shutdown
        { "57P02", true },  // crash_shutdown
        { "57P03", true },  // cannot_connect_now
        { "25006", true },  // read_only_sql_transaction: a standby
        { "55P03", true },  // lock_not_available (lock_timeout), after the strategy's retries
        { "40P01", true },  // deadlock_detected, after the strategy's retries
        { "23505", false }, // unique_violation: the request's (400 unique)
        { "23503", false }, // foreign_key_violation
        { "42P01", false }, // undefined_table: a missing migration is the deployment's fault
        { "22001", false }, // string_data_right_truncation
    };

    [Theory]
    [MemberData(nameof(SqliteCodes))]
    public void Sqlite_result_codes_that_mean_try_again_later_are_unavailable(int code, bool unavailable)
    {
        var failure = new SqliteException("failure", code);

        Assert.Equal(unavailable, _sqlite.IsUnavailable(failure));
        Assert.Equal(unavailable, _sqlite.IsUnavailable(new DbUpdateException("saving failed", failure)));
        Assert.False(_postgres.IsUnavailable(failure));
    }

    [Theory]
    [MemberData(nameof(PostgresStates))]
    public void Postgres_sqlstates_that_mean_try_again_later_are_unavailable(string state, bool unavailable)
    {
        var failure = new PostgresException("failure", "ERROR", "ERROR", state);

        Assert.Equal(unavailable, _postgres.IsUnavailable(failure));
        Assert.Equal(unavailable, _postgres.IsUnavailable(new DbUpdateException("saving failed", failure)));
        Assert.False(_sqlite.IsUnavailable(failure));
    }

    [Theory]
    [InlineData(typeof(TimeoutException), true)] // a command or the pool timed out
    [InlineData(typeof(IOException), true)]      // the connection broke
    [InlineData(null, false)]                    // Npgsql's own refusal, not the server's
    public void Postgres_failures_without_a_sqlstate_are_unavailable_when_npgsql_calls_them_transient(Type? cause, bool unavailable)
    {
        var failure = new NpgsqlException("failure", cause is null ? null : (Exception)Activator.CreateInstance(cause)!);

        Assert.Equal(unavailable, _postgres.IsUnavailable(failure));
        Assert.Equal(unavailable, _postgres.IsUnavailable(new RetryLimitExceededException("retried", failure)));
    }

    [Fact]
    public void Failures_that_are_not_the_databases_are_not_unavailable()
    {
        var failure = new InvalidOperationException("a bug", new ArgumentException("deeper"));

        Assert.False(_sqlite.IsUnavailable(failure));
        Assert.False(_postgres.IsUnavailable(failure));
    }

    public void Dispose() => _sqlite.Dispose();
}
