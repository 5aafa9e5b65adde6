using CleanUser.Infrastructure.Persistence.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace CleanUser.Infrastructure.Persistence;

/// <summary>
/// Lets <c>dotnet ef migrations add NAME --context CleanUserDbContext</c> build the SQLite context without starting
/// the web host.
/// </summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<CleanUserDbContext>
{
    public CleanUserDbContext CreateDbContext(string[] args)
    {
        using var provider = new SqliteProvider("Data Source=design-time.db");
        return Create(provider);
    }

    /// <summary>The provider's own context on the provider's own options, as the running service has it.</summary>
    internal static CleanUserDbContext Create(IDatabaseProvider provider)
    {
        var options = new DbContextOptionsBuilder<CleanUserDbContext>();
        provider.Configure(options);
        return provider.CreateContextPool(options.Options)();
    }
}

/// <summary>
/// Lets <c>dotnet ef migrations add NAME --context PostgresCleanUserDbContext --output-dir Persistence/Migrations/Postgres</c>
/// build the PostgreSQL context. Adding a migration needs no server: the connection string is never opened.
/// </summary>
public sealed class PostgresDesignTimeDbContextFactory : IDesignTimeDbContextFactory<PostgresCleanUserDbContext>
{
    public PostgresCleanUserDbContext CreateDbContext(string[] args) =>
        (PostgresCleanUserDbContext)DesignTimeDbContextFactory.Create(new PostgresProvider("Host=localhost;Database=cleanuser_design_time"));
}
