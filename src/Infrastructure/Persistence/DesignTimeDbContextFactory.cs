using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace CleanUser.Infrastructure.Persistence;

/// <summary>
/// Lets <c>dotnet ef migrations add NAME --context CleanUserDbContext</c> build the SQLite context without starting
/// the web host.
/// </summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<CleanUserDbContext>
{
    public CleanUserDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<CleanUserDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

/// <summary>
/// Lets <c>dotnet ef migrations add NAME --context PostgresCleanUserDbContext --output-dir Persistence/Migrations/Postgres</c>
/// build the PostgreSQL context. Adding a migration needs no server: the connection string is never opened.
/// </summary>
public sealed class PostgresDesignTimeDbContextFactory : IDesignTimeDbContextFactory<PostgresCleanUserDbContext>
{
    public PostgresCleanUserDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<CleanUserDbContext>().UseNpgsql("Host=localhost;Database=cleanuser_design_time").Options);
}
