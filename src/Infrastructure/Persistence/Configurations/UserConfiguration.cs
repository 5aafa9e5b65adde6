using CleanUser.Domain.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CleanUser.Infrastructure.Persistence.Configurations;

public sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    /// <summary>Shadow column holding <see cref="Username.Normalized"/>; its unique index is the final uniqueness guard.</summary>
    public const string NormalizedUsername = "NormalizedUsername";

    public const string NormalizedUsernameIndex = "IX_Users_NormalizedUsername";

    /// <summary>Shadow column holding <see cref="Username.Skeleton"/>: how the name looks (docs/adr/0017-username-policy.md).</summary>
    public const string UsernameSkeleton = "UsernameSkeleton";

    /// <summary>Finds the users whose names look alike, whether or not they may.</summary>
    public const string UsernameSkeletonIndex = "IX_Users_UsernameSkeleton";

    /// <summary>The final guard against look-alikes: unique over the users whose look is their own (<see cref="User.UsernameMayLookAlike"/> false).</summary>
    public const string UniqueUsernameSkeletonIndex = "IX_Users_UsernameSkeleton_Unique";

    // Columns that hold no user name have no "Username" in their names: tools that copy users (the load comparison's
    // seeding, docs/benchmarks.md) give every such column a fresh name of its own.

    /// <summary>The column of <see cref="User.UsernameMayLookAlike"/>.</summary>
    public const string MayLookAlikeColumn = "MayLookAlike";

    /// <summary>The column of <see cref="User.UsernameChangedAt"/>.</summary>
    public const string RenamedAtColumn = "RenamedAt";

    public void Configure(EntityTypeBuilder<User> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ToTable("Users");
        builder.HasKey(u => u.Id);
        builder.Property(u => u.Id).ValueGeneratedOnAdd();

        // Username equality ignores case, but a rename from "alice" to "Alice" is a change to store:
        // compare the spelling, not the normalised form.
        builder.Property(u => u.Username)
            .HasConversion(u => u.Value, v => Username.FromStored(v),
                new ValueComparer<Username>((a, b) => a!.Value == b!.Value, u => u.Value.GetHashCode(StringComparison.Ordinal)))
            .HasMaxLength(Username.MaxLength)
            .IsRequired();
        builder.Property<string>(NormalizedUsername).HasMaxLength(Username.MaxLength).IsRequired();
        builder.HasIndex(NormalizedUsername).IsUnique().HasDatabaseName(NormalizedUsernameIndex);
        builder.Property<string>(UsernameSkeleton).HasMaxLength(Username.MaxLength).IsRequired();
        builder.HasIndex([UsernameSkeleton], UsernameSkeletonIndex);
        // The same text on both databases: SQLite stores the flag as 0/1 and reads NOT of it as PostgreSQL reads a boolean.
        builder.HasIndex([UsernameSkeleton], UniqueUsernameSkeletonIndex).IsUnique()
            .HasFilter($"NOT \"{MayLookAlikeColumn}\"");
        builder.Property(u => u.UsernameMayLookAlike).HasColumnName(MayLookAlikeColumn);
        builder.Property(u => u.UsernameChangedAt).HasColumnName(RenamedAtColumn);

        builder.Property(u => u.RealName).HasMaxLength(User.RealNameRule.MaxLength);
        builder.Property(u => u.Bio);
        builder.Property(u => u.Location).HasMaxLength(User.LocationRule.MaxLength);
        builder.Property(u => u.Description).HasMaxLength(User.DescriptionRule.MaxLength);
        builder.Property(u => u.Website).HasMaxLength(Website.MaxLength);
        builder.Property(u => u.ExtId).HasMaxLength(255);
        builder.Property(u => u.Avatar).HasMaxLength(255);
        builder.Property(u => u.Cover).HasMaxLength(255);
        // Image names are shared by content: "is anyone still using this file?" is asked before deleting one.
        builder.HasIndex(u => u.Avatar);
        builder.HasIndex(u => u.Cover);
        builder.Property(u => u.CompanyName).HasMaxLength(255);
        builder.Property(u => u.CompanyRole).HasMaxLength(255);
        builder.Property(u => u.Gender).HasConversion<string>().HasMaxLength(16);
        builder.Property(u => u.LocationLatLng).HasConversion(p => p!.ToString(), v => GeoPoint.Parse(v, "location_lat_lng")).HasMaxLength(64);
        builder.Property(u => u.PositionLatLng).HasConversion(p => p!.ToString(), v => GeoPoint.Parse(v, "position_lat_lng")).HasMaxLength(64);
        builder.Property(u => u.Version).IsConcurrencyToken();

        builder.ComplexProperty(u => u.Statistics, s =>
        {
            s.Property(x => x.FollowingsCounter).HasColumnName("FollowingsCounter");
            s.Property(x => x.FollowersCounter).HasColumnName("FollowersCounter");
            s.Property(x => x.PostsCounter).HasColumnName("PostsCounter");
            s.Property(x => x.DiscussionsCounter).HasColumnName("DiscussionsCounter");
            s.Property(x => x.PollsCounter).HasColumnName("PollsCounter");
            s.Property(x => x.CategoriesCounter).HasColumnName("CategoriesCounter");
            s.Property(x => x.Reputation).HasColumnName("Reputation");
        });

        builder.HasMany(u => u.Tags).WithMany().UsingEntity("UserTags");
        builder.Navigation(u => u.Tags).UsePropertyAccessMode(PropertyAccessMode.Field);
        builder.Ignore(u => u.DomainEvents);
    }
}
