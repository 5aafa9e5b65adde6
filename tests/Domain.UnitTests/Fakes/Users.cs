using CleanUser.Domain.Common;
using CleanUser.Domain.Users;

namespace CleanUser.Domain.UnitTests.Fakes;

/// <summary>Users and times shared by the domain tests.</summary>
internal static class TestUsers
{
    public static readonly DateTimeOffset Joined = new(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public static readonly DateTimeOffset Now = new(2025, 6, 7, 8, 9, 10, TimeSpan.Zero);

    public static User Alice() => User.Register(Username.FromStored("alice"), Joined);

    /// <summary>Alice with every profile field set from <see cref="TestProfiles.FilledIn"/>.</summary>
    public static User FilledInAlice()
    {
        var user = Alice();
        user.UpdateProfile(TestProfiles.FilledIn);
        return user;
    }

    public static User Blocked()
    {
        var user = Alice();
        user.Block();
        return user;
    }

    public static User Deleted()
    {
        var user = Alice();
        user.MarkDeleted();
        return user;
    }
}

/// <summary>Profile changes shared by the aggregate tests; every text is made by its field's rule, as the application does.</summary>
internal static class TestProfiles
{
    public static readonly GeoPoint Milan = GeoPoint.Parse("45.4642,9.19", UserFields.LocationLatLng);

    public static readonly DateOnly Birthday = new(1990, 5, 4);

    /// <summary>Every field set to a value other than its default.</summary>
    public static ProfileChanges FilledIn { get; } = new()
    {
        RealName = User.RealNameRule.Create("Alice Liddell"),
        Bio = User.BioRule.Create("Curious."),
        Location = User.LocationRule.Create("Milan"),
        LocationLatLng = Milan,
        PositionLatLng = Milan,
        DateOfBirth = Birthday,
        Description = User.DescriptionRule.Create("Explorer"),
        Gender = Gender.Female,
        Website = Website.Create("https://alice.example"),
    };

    /// <summary>Every field reset: empty text (a rule makes it from <c>null</c>), no point, no date, gender unspecified.</summary>
    public static ProfileChanges Reset { get; } = new()
    {
        RealName = User.RealNameRule.Create(null),
        Bio = User.BioRule.Create(null),
        Location = User.LocationRule.Create(null),
        LocationLatLng = Optional<GeoPoint?>.Of(null),
        PositionLatLng = Optional<GeoPoint?>.Of(null),
        DateOfBirth = Optional<DateOnly?>.Of(null),
        Description = User.DescriptionRule.Create(null),
        Gender = Gender.Unspecified,
        Website = Website.Create(null),
    };
}
