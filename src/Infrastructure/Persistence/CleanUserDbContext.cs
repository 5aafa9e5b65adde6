using CleanUser.Domain.Users;
using CleanUser.Infrastructure.Outbox;
using CleanUser.Infrastructure.Persistence.Configurations;
using Microsoft.EntityFrameworkCore;

namespace CleanUser.Infrastructure.Persistence;

/// <summary>
/// The service's database. Used as is on SQLite, whose migrations (Migrations/) belong to this type; on PostgreSQL
/// the container hands out <see cref="PostgresCleanUserDbContext"/>, the same model with migrations of its own.
/// </summary>
public class CleanUserDbContext : DbContext
{
    public CleanUserDbContext(DbContextOptions<CleanUserDbContext> options)
        : base(options)
    {
    }

    /// <summary>For the context type of another database (its options are typed for it).</summary>
    protected CleanUserDbContext(DbContextOptions options)
        : base(options)
    {
    }

    public DbSet<User> Users => Set<User>();

    public DbSet<Tag> Tags => Set<Tag>();

    public DbSet<ReleasedUsername> ReleasedUsernames => Set<ReleasedUsername>();

    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CleanUserDbContext).Assembly);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        StampUsers();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        StampUsers();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    /// <summary>
    /// Keeps the normalised username and its skeleton in step with the username, and moves the concurrency token on
    /// every real write, so an entity tag changes exactly when the stored user does.
    /// </summary>
    private void StampUsers()
    {
        ChangeTracker.DetectChanges();
        foreach (var entry in ChangeTracker.Entries<User>())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified))
            {
                continue;
            }

            entry.Property<string>(UserConfiguration.NormalizedUsername).CurrentValue = entry.Entity.Username.Normalized;
            entry.Property<string>(UserConfiguration.UsernameSkeleton).CurrentValue = entry.Entity.Username.Skeleton;
            if (entry.State == EntityState.Modified)
            {
                var version = entry.Property(u => u.Version);
                version.CurrentValue = version.OriginalValue + 1;
            }
        }
    }
}
