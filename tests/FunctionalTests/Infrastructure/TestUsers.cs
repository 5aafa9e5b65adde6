using CleanUser.Domain.Users;

namespace CleanUser.FunctionalTests.Infrastructure;

public static class TestUsers
{
    /// <summary>A username no other test uses, so tests sharing one database don't collide.</summary>
    public static string UniqueName(string prefix = "u") => $"{prefix}-{Guid.NewGuid():N}";

    public const string AvatarKey = "avatars/current.jpg";

    public static void MakeRich(User user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var now = DateTimeOffset.UtcNow;
        user.UpdateProfile(new ProfileChanges
        {
            RealName = "Rich Person",
            Bio = "Line one.\nLine two.",
            Location = "Milano",
            LocationLatLng = GeoPoint.Parse("45.4642,9.19", UserFields.LocationLatLng),
            PositionLatLng = GeoPoint.Parse("-33.5,151.25", UserFields.PositionLatLng),
            DateOfBirth = new DateOnly(1990, 5, 17),
            Description = "Keeps the lights on",
            Gender = Gender.Female,
            Website = "https://example.com/rich",
        });
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
