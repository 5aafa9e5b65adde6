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

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var detecting = DetectOnce();
        try
        {
            StampUsers();
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ChangeTracker.AutoDetectChangesEnabled = detecting;
        }
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        var detecting = DetectOnce();
        try
        {
            StampUsers();
            return base.SaveChanges(acceptAllChangesOnSuccess);
        }
        finally
        {
            ChangeTracker.AutoDetectChangesEnabled = detecting;
        }
    }

    /// <summary>
    /// Detects the changes of a save once, then turns automatic detection off until the save returns: otherwise every
    /// look at the tracked entries during the save (the stamp below, each interceptor, EF Core itself) detects again.
    /// What is added or stamped during the save is tracked through its entry, so it needs no detection.
    /// </summary>
    private bool DetectOnce()
    {
        var detecting = ChangeTracker.AutoDetectChangesEnabled;
        if (detecting)
        {
            ChangeTracker.DetectChanges();
        }

        ChangeTracker.AutoDetectChangesEnabled = false;
        return detecting;
    }

    /// <summary>
    /// Keeps the normalised username and its skeleton in step with the username, and moves the concurrency token on
    /// every real write, so an entity tag changes exactly when the stored user does.
    /// </summary>
    private void StampUsers()
    {
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
