using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace CleanUser.Infrastructure.Persistence;

/// <summary>Lets <c>dotnet ef migrations add</c> build the context without starting the web host.</summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<CleanUserDbContext>
{
    public CleanUserDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<CleanUserDbContext>().UseSqlite("Data Source=design-time.db").Options);
}
