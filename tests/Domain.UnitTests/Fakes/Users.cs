using CleanUser.Domain.Common;
using CleanUser.Domain.Users;
using CleanUser.Tests.Support;

namespace CleanUser.Domain.UnitTests.Fakes;

/// <summary>Times and the user the domain tests start from; the users are made by the shared <see cref="UserBuilder"/>.</summary>
internal static class TestUsers
{
    public static readonly DateTimeOffset Joined = new(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public static readonly DateTimeOffset Now = new(2025, 6, 7, 8, 9, 10, TimeSpan.Zero);

    /// <summary>Alice, just registered.</summary>
    public static User Alice() => AliceBuilder().Build();

    /// <summary>Alice with every field of the builder's full profile set (<see cref="UserBuilder.Full"/>), and no pending events.</summary>
    public static User FilledInAlice() => AliceBuilder().WithFullProfile().Build();

    public static User Blocked() => AliceBuilder().Blocked().Build();

    public static User Deleted() => AliceBuilder().Deleted().Build();

    private static UserBuilder AliceBuilder() => new UserBuilder().Named("alice").JoinedAt(Joined);
}

/// <summary>Profile changes shared by the aggregate tests (every field set: <see cref="UserBuilder.Full.Profile"/>); every text is made by its field's rule, as the application does.</summary>
internal static class TestProfiles
{
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
