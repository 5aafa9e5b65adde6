using CleanUser.Domain.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CleanUser.Infrastructure.Persistence.Configurations;

public sealed class ReleasedUsernameConfiguration : IEntityTypeConfiguration<ReleasedUsername>
{
    public const string Table = "ReleasedUsernames";

    public void Configure(EntityTypeBuilder<ReleasedUsername> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ToTable(Table);
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedOnAdd();
        builder.Property(r => r.NormalizedUsername).HasMaxLength(Username.MaxLength);
        builder.Property(r => r.UsernameSkeleton).HasMaxLength(Username.MaxLength);
        // A UTC DateTime, not a DateTimeOffset: SQLite compares the one (as text), EF Core will not compare the other there.
        builder.Property(r => r.HeldUntil)
            .HasConversion(v => v.UtcDateTime, v => new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)));
        builder.HasIndex(r => r.NormalizedUsername);
        builder.HasIndex(r => r.UsernameSkeleton);
        // A rename deletes the expired holds first, without reading the others.
        builder.HasIndex(r => r.HeldUntil);
        builder.HasOne<User>().WithMany().HasForeignKey(r => r.FormerHolderId).OnDelete(DeleteBehavior.Cascade);
    }
}
