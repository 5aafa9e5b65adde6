using CleanUser.Tests.Support;
using CleanUser.Domain.Users;
using CleanUser.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CleanUser.FunctionalTests.Infrastructure;

public static class TestUsers
{
    /// <summary>A username no other test uses, so tests sharing one database don't collide.</summary>
    public static string UniqueName(string prefix = "u") => $"{prefix}-{Guid.NewGuid():N}";

    public const string AvatarKey = "avatars/current.jpg";

    /// <summary>Inserts a user straight through the real DbContext of <paramref name="services"/> and returns its id.</summary>
    public static async Task<long> InsertAsync(IServiceProvider services, string? username = null, Action<User>? shape = null,
        string? extId = null)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CleanUserDbContext>();
        var user = User.Register(Username.FromStored(username ?? UniqueName()), DateTimeOffset.UtcNow, extId);
        shape?.Invoke(user);
        db.Users.Add(user);
        await db.SaveChangesAsync();
        return user.Id;
    }

    /// <summary>The user as stored now, read with a fresh DbContext.</summary>
    public static async Task<UserSnapshot> ReadAsync(IServiceProvider services, long id)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CleanUserDbContext>();
        var user = await db.Users.AsNoTracking().Include(u => u.Tags).SingleAsync(u => u.Id == id);
        return UserSnapshot.Of(user);
    }

    public static void MakeRich(User user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var now = DateTimeOffset.UtcNow;
        user.Edit(("real_name", "Rich Person"), ("bio", "Line one.\nLine two."), ("location", "Milano"),
            ("location_lat_lng", "45.4642,9.19"), ("position_lat_lng", "-33.5,151.25"), ("date_of_birth", "1990-05-17"),
            ("description", "Keeps the lights on"), ("gender", "Female"), ("website", "https://example.com/rich"));
        user.ChangeAvatar(AvatarKey, now);
        user.ChangeCover("covers/current.jpg", now);
        user.ClearDomainEvents();
        user.AwardCommunityBadge();
        user.JoinCompany("CleanUser", "Tester");
        user.RecordStatistics(new UserStatistics(1, 2, 3, 4, 5, 6, 77));
        user.AssignTag(new Tag(0, UniqueName("tag"), "user", "A tag", "#1e88e5", now, visibilityBoost: true));
        user.AssignTag(new Tag(0, UniqueName("tag"), "user", "Hidden tag", "#e53935", now, visible: false));
    }
}
