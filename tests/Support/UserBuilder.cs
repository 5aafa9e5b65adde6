using CleanUser.Domain.Users;

namespace CleanUser.Tests.Support;

/// <summary>
/// The users tests start from. <c>new UserBuilder()</c> is a user just registered under a name no other test uses;
/// <see cref="WithFullProfile"/> gives every profile field, both images, the counters, the company, the badge and two
/// tags values other than their defaults (<see cref="Full"/>), so a test can see that a change touched only what it
/// should. It builds through the aggregate's own methods and depends on the domain only, so every test project can
/// use it (a test host inserts what it builds: <c>TestApp.CreateUserAsync</c>).
/// </summary>
public sealed class UserBuilder
{
    private readonly List<Action<User, DateTimeOffset>> _steps = [];
    private string? _username;
    private DateTimeOffset? _joined;
    private string? _extId;

    /// <summary>A username no other test uses, so tests sharing one database don't collide.</summary>
    public static string UniqueName(string prefix = "u") => $"{prefix}-{Guid.NewGuid():N}";

    public UserBuilder Named(string username)
    {
        _username = username;
        return this;
    }

    /// <summary>When the user registered; now by default.</summary>
    public UserBuilder JoinedAt(DateTimeOffset joined)
    {
        _joined = joined;
        return this;
    }

    public UserBuilder WithExtId(string extId)
    {
        _extId = extId;
        return this;
    }

    /// <summary>Every value of <see cref="Full"/>; the domain events of setting the images are cleared.</summary>
    public UserBuilder WithFullProfile() => With((user, now) =>
    {
        user.UpdateProfile(Full.Profile, now);
        user.ChangeAvatar(Full.Avatar, now);
        user.ChangeCover(Full.Cover, now);
        user.ClearDomainEvents();
        user.AwardCommunityBadge();
        user.JoinCompany(Full.CompanyName, Full.CompanyRole);
        user.RecordStatistics(Full.Statistics);
        user.AssignTag(new Tag(0, UniqueName("tag"), "user", "A tag", "#1e88e5", now, visibilityBoost: true));
        user.AssignTag(new Tag(0, UniqueName("tag"), "user", "Hidden tag", "#e53935", now, visible: false));
    });

    public UserBuilder Blocked() => With(user => user.Block());

    public UserBuilder Deleted() => With(user => user.MarkDeleted());

    /// <summary>Any other change, applied in order after registration.</summary>
    public UserBuilder With(Action<User> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return With((user, _) => change(user));
    }

    public User Build()
    {
        var joined = _joined ?? DateTimeOffset.UtcNow;
        var user = User.Register(Username.FromStored(_username ?? UniqueName()), joined, _extId);
        foreach (var step in _steps)
        {
            step(user, joined);
        }

        return user;
    }

    private UserBuilder With(Action<User, DateTimeOffset> step)
    {
        _steps.Add(step);
        return this;
    }

    /// <summary>The values of <see cref="WithFullProfile"/>, as stored.</summary>
    public static class Full
    {
        public const string RealName = "Rich Person";
        public const string Bio = "Line one.\nLine two.";
        public const string Location = "Milano";
        public const string LocationLatLng = "45.4642,9.19";
        public const string PositionLatLng = "-33.5,151.25";
        public const string Description = "Keeps the lights on";
        public const Gender Gender = Domain.Users.Gender.Female;
        public const string Website = "https://example.com/rich";
        public const string Avatar = "avatars/current.jpg";
        public const string Cover = "covers/current.jpg";
        public const string CompanyName = "CleanUser";
        public const string CompanyRole = "Tester";

        public static readonly DateOnly DateOfBirth = new(1990, 5, 17);

        /// <summary>Every counter different, the reputation last.</summary>
        public static readonly UserStatistics Statistics = new(1, 2, 3, 4, 5, 6, 77);

        /// <summary>Every profile field, as one update.</summary>
        public static ProfileChanges Profile => new()
        {
            RealName = User.RealNameRule.Create(RealName),
            Bio = User.BioRule.Create(Bio),
            Location = User.LocationRule.Create(Location),
            LocationLatLng = GeoPoint.Parse(LocationLatLng, UserFields.LocationLatLng),
            PositionLatLng = GeoPoint.Parse(PositionLatLng, UserFields.PositionLatLng),
            DateOfBirth = DateOfBirth,
            Description = User.DescriptionRule.Create(Description),
            Gender = Gender,
            Website = Domain.Users.Website.Create(Website),
        };
    }
}
