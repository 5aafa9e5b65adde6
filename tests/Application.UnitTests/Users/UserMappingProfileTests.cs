using AutoMapper;
using CleanUser.Application.UnitTests.Support;
using CleanUser.Application.Users;
using CleanUser.Domain.Users;
using CleanUser.Tests.Support;
using Full = CleanUser.Tests.Support.UserBuilder.Full;

namespace CleanUser.Application.UnitTests.Users;

public class UserMappingProfileTests
{
    private static readonly DateTimeOffset JoinedInRome = new(2024, 1, 2, 3, 4, 5, TimeSpan.FromHours(2));

    private readonly IMapper _mapper = TestDoubles.Mapper(TestDoubles.MediaUrls());

    /// <summary>Every field set (<see cref="UserBuilder.Full"/>), an external id, deleted, registered two hours east of UTC.</summary>
    private static User FullUser() =>
        new UserBuilder().Named("Alice").JoinedAt(JoinedInRome).WithExtId("ext-42").WithFullProfile().Deleted().Build();

    private UserDto Map(User user) => _mapper.Map<UserDto>(user);

    [Fact]
    public void The_mapping_configuration_is_valid() =>
        new MapperConfiguration(cfg => cfg.AddProfile<UserMappingProfile>()).AssertConfigurationIsValid();

    [Fact]
    public void A_user_maps_to_the_spec_values()
    {
        var dto = Map(FullUser());

        Assert.Equal(0, dto.Id);
        Assert.Equal("Alice", dto.Username);
        Assert.Equal(Full.RealName, dto.RealName);
        Assert.Equal("ext-42", dto.ExtId);
        Assert.Equal(Full.Bio, dto.Bio);
        Assert.Equal(Full.Location, dto.Location);
        Assert.Equal(Full.LocationLatLng, dto.LocationLatLng);
        Assert.Equal(Full.PositionLatLng, dto.PositionLatLng);
        Assert.Equal(Full.DateOfBirth, dto.DateOfBirth);
        Assert.Equal(Full.Description, dto.Description);
        Assert.Equal("Female", dto.Gender);
        Assert.Equal(Full.Website, dto.Website);
        Assert.Null(dto.ConnectionStatus);
        Assert.True(dto.CommunityBadge);
        Assert.True(dto.RegApproved);
        Assert.True(dto.Deleted);
        Assert.Equal(Full.CompanyName, dto.CompanyName);
        Assert.Equal(Full.CompanyRole, dto.CompanyRole);
    }

    [Fact]
    public void Date_joined_is_a_utc_date_time()
    {
        var dto = Map(FullUser());

        Assert.Equal(DateTimeKind.Utc, dto.DateJoined.Kind);
        Assert.Equal(new DateTime(2024, 1, 2, 1, 4, 5, DateTimeKind.Utc), dto.DateJoined);
    }

    [Fact]
    public void Counters_come_from_the_statistics()
    {
        var dto = Map(FullUser());

        Assert.Equal(
            (1, 2, 3, 4, 5, 6, 77),
            (dto.FollowingsCounter, dto.FollowersCounter, dto.PostsCounter, dto.DiscussionsCounter, dto.PollsCounter,
                dto.CategoriesCounter, dto.Reputation));
    }

    [Fact]
    public void Images_are_absolute_urls_from_the_media_port()
    {
        var dto = Map(FullUser());

        Assert.Equal(TestDoubles.MediaBase + Full.Avatar, dto.Avatar);
        Assert.Equal(TestDoubles.MediaBase + Full.Cover, dto.Cover);
    }

    [Fact]
    public void A_user_without_images_maps_them_to_null()
    {
        var dto = Map(TestDoubles.Alice());

        Assert.Null(dto.Avatar);
        Assert.Null(dto.Cover);
    }

    [Fact]
    public void Tags_are_ordered_by_id_with_every_field()
    {
        var user = new UserBuilder().With(u =>
        {
            u.AssignTag(new Tag(30, "thirty", "user", "third", "#333333", JoinedInRome));
            u.AssignTag(new Tag(10, "ten", "user", "first", "#111111", JoinedInRome, visible: false, visibilityBoost: true, active: false));
            u.AssignTag(new Tag(20, "twenty", "user", "second", "#222222", JoinedInRome));
        }).Build();

        var dto = Map(user);

        Assert.Equal([10L, 20L, 30L], dto.Tags.Select(t => t.Id));
        var first = dto.Tags[0];
        Assert.Equal("ten", first.Name);
        Assert.Equal("user", first.Type);
        Assert.Equal("first", first.Description);
        Assert.Equal("#111111", first.Color);
        Assert.False(first.Active);
        Assert.False(first.Visible);
        Assert.True(first.VisibilityBoost);
        Assert.False(first.Deleted);
        Assert.Equal(DateTimeKind.Utc, first.CreatedAt.Kind);
        Assert.Equal(JoinedInRome.UtcDateTime, first.CreatedAt);
    }

    [Fact]
    public void A_fresh_user_maps_to_the_defaults()
    {
        var dto = Map(TestDoubles.Alice());

        Assert.Equal("alice", dto.Username);
        Assert.Equal("Unspecified", dto.Gender);
        Assert.Null(dto.LocationLatLng);
        Assert.Null(dto.PositionLatLng);
        Assert.Null(dto.DateOfBirth);
        Assert.Null(dto.ExtId);
        Assert.Empty(dto.Tags);
        Assert.False(dto.Deleted);
        Assert.Equal(string.Empty, dto.Website);
        Assert.Equal(0, dto.Reputation);
    }

    [Theory]
    [InlineData(Gender.Male, "Male")]
    [InlineData(Gender.Female, "Female")]
    [InlineData(Gender.Unspecified, "Unspecified")]
    public void Gender_maps_to_its_canonical_name(Gender gender, string expected)
    {
        var user = TestDoubles.Alice();
        user.UpdateProfile(new ProfileChanges { Gender = gender }, DateTimeOffset.UnixEpoch);

        Assert.Equal(expected, Map(user).Gender);
    }
}
