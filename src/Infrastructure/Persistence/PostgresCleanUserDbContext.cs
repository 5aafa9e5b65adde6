using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CleanUser.Infrastructure.Persistence;

/// <summary>
/// <see cref="CleanUserDbContext"/> on PostgreSQL. The model is the same; the type exists because EF Core ties
/// migrations to a context type, and PostgreSQL needs migrations of its own (Migrations/Postgres) next to the SQLite
/// ones, which stay with <see cref="CleanUserDbContext"/> (docs/adr/0006-postgresql.md). Everything else injects
/// <see cref="CleanUserDbContext"/>; the container hands out this type when <c>Database:Provider</c> is Postgres.
/// </summary>
public sealed class PostgresCleanUserDbContext(DbContextOptions<PostgresCleanUserDbContext> options) : CleanUserDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        base.ConfigureConventions(configurationBuilder);

        // timestamptz stores an instant: Npgsql refuses a DateTimeOffset with a non-zero offset rather than guess.
        // The service only produces UTC values, but a caller (an internal module) might pass local time: store the
        // instant. Values read back are UTC, as they are everywhere else in the service.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcDateTimeOffsetConverter>();
    }

    private sealed class UtcDateTimeOffsetConverter() : ValueConverter<DateTimeOffset, DateTimeOffset>(v => v.ToUniversalTime(), v => v);
}
