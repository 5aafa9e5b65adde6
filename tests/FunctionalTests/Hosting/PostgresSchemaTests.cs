using CleanUser.Infrastructure.Persistence;
using CleanUser.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CleanUser.FunctionalTests.Hosting;

/// <summary>On PostgreSQL: the schema comes from the PostgreSQL migrations, with the server's own types, and times are instants.</summary>
public sealed class PostgresSchemaTests(TestApp app) : IClassFixture<TestApp>
{
    [PostgresFact]
    public async Task The_database_has_exactly_the_postgres_migrations_applied()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CleanUserDbContext>();

        var applied = (await db.Database.GetAppliedMigrationsAsync()).ToList();

        Assert.IsType<PostgresCleanUserDbContext>(db);
        Assert.Equal(db.Database.GetMigrations(), applied);
        Assert.Contains(applied, id => id.EndsWith("_InitialCreate", StringComparison.Ordinal));
        Assert.DoesNotContain("20261128191324_OutboxAndImageIndexes", applied); // one of SQLite's
    }

    [PostgresFact]
    public async Task Columns_have_native_postgres_types_and_identifiers_keep_their_case()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CleanUserDbContext>();

        var types = await db.Database.SqlQuery<ColumnType>($"""
            SELECT table_name AS "Table", column_name AS "Column", data_type AS "Type"
            FROM information_schema.columns WHERE table_schema = 'public'
            """).ToListAsync();

        string TypeOf(string table, string column) => Assert.Single(types, t => t.Table == table && t.Column == column).Type;
        Assert.Equal("timestamp with time zone", TypeOf("Users", "DateJoined"));
        Assert.Equal("date", TypeOf("Users", "DateOfBirth"));
        Assert.Equal("boolean", TypeOf("Users", "IsBlocked"));
        Assert.Equal("bigint", TypeOf("Users", "Version"));
        Assert.Equal("timestamp with time zone", TypeOf("OutboxMessages", "NextAttemptAt"));
        Assert.Equal("timestamp with time zone", TypeOf("Tags", "CreatedAt"));
    }

    [PostgresFact]
    public async Task A_time_with_an_offset_is_stored_as_its_instant_and_read_back_in_UTC()
    {
        var joined = new DateTimeOffset(2024, 3, 1, 12, 30, 15, TimeSpan.FromHours(2));
        var id = await app.CreateUserAsync(new UserBuilder().JoinedAt(joined));

        var stored = (await app.ReadUserAsync(id)).DateJoined;

        Assert.Equal(joined, stored); // the same instant...
        Assert.Equal(TimeSpan.Zero, stored.Offset); // ...in UTC
    }

    private sealed record ColumnType(string Table, string Column, string Type);
}
