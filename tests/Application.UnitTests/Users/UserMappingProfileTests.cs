using AutoMapper;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.UnitTests.Support;
using CleanUser.Application.Users;
using CleanUser.Domain.Users;

namespace CleanUser.Application.UnitTests.Users;

public class UserMappingProfileTests
{
    private readonly IMediaUrls _mediaUrls = TestDoubles.MediaUrls();

    private static readonly DateTimeOffset JoinedInRome = new(2024, 1, 2, 3, 4, 5, TimeSpan.FromHours(2));

    private static User FullUser()
    {
        var user = User.Register(Username.FromStored("Alice"), JoinedInRome, extId: "ext-42");
        user.UpdateProfile(new ProfileChanges
        {
            RealName = User.RealNameRule.Create("Alice Liddell"),
            Bio = User.BioRule.Create("Curious."),
            Location = User.LocationRule.Create("Milan"),
            LocationLatLng = GeoPoint.Parse("45.46420, 9.190", UserFields.LocationLatLng),
            PositionLatLng = GeoPoint.Parse("-0,12.5", UserFields.PositionLatLng),
            DateOfBirth = new DateOnly(1990, 5, 4),
            Description = User.DescriptionRule.Create("Explorer"),
            Gender = Gender.Female,
            Website = Website.Create("https://alice.example"),
        });
        user.ChangeAvatar("avatars/a.jpg", JoinedInRome);
        user.ChangeCover("covers/c.jpg", JoinedInRome);
        user.RecordStatistics(new UserStatistics(1, 2, 3, 4, 5, 6, 7));
        user.AwardCommunityBadge();
        user.JoinCompany("Wonderland Ltd", "Explorer");
        user.AssignTag(new Tag(30, "thirty", "user", "third", "#333333", JoinedInRome));
        user.AssignTag(new Tag(10, "ten", "user", "first", "#111111", JoinedInRome, visible: false, visibilityBoost: true, active: false));
        user.AssignTag(new Tag(20, "twenty", "user", "second", "#222222", JoinedInRome));
        user.MarkDeleted();
        return user;
    }

    [Fact]
    public void The_mapping_configuration_is_valid() =>
        new MapperConfiguration(cfg => cfg.AddProfile<UserMappingProfile>()).AssertConfigurationIsValid();

    [Fact]
    public void A_user_maps_to_the_spec_values()
    {
        var dto = TestDoubles.Mapper(_mediaUrls).Map<UserDto>(FullUser());

        Assert.Equal(0, dto.Id);
        Assert.Equal("Alice", dto.Username);
        Assert.Equal("Alice Liddell", dto.RealName);
        Assert.Equal("ext-42", dto.ExtId);
        Assert.Equal("Curious.", dto.Bio);
        Assert.Equal("Milan", dto.Location);
        Assert.Equal("45.4642,9.19", dto.LocationLatLng);
        Assert.Equal("0,12.5", dto.PositionLatLng);
        Assert.Equal(new DateOnly(1990, 5, 4), dto.DateOfBirth);
        Assert.Equal("Explorer", dto.Description);
        Assert.Equal("Female", dto.Gender);
        Assert.Equal("https://alice.example", dto.Website);
        Assert.Null(dto.ConnectionStatus);
        Assert.True(dto.CommunityBadge);
        Assert.True(dto.RegApproved);
        Assert.True(dto.Deleted);
        Assert.Equal("Wonderland Ltd", dto.CompanyName);
        Assert.Equal("Explorer", dto.CompanyRole);
    }

    [Fact]
    public void Date_joined_is_a_utc_date_time()
    {
        var dto = TestDoubles.Mapper(_mediaUrls).Map<UserDto>(FullUser());

        Assert.Equal(DateTimeKind.Utc, dto.DateJoined.Kind);
        Assert.Equal(new DateTime(2024, 1, 2, 1, 4, 5, DateTimeKind.Utc), dto.DateJoined);
    }

    [Fact]
    public void Counters_come_from_the_statistics()
    {
        var dto = TestDoubles.Mapper(_mediaUrls).Map<UserDto>(FullUser());

        Assert.Equal(
            (1, 2, 3, 4, 5, 6, 7),
            (dto.FollowingsCounter, dto.FollowersCounter, dto.PostsCounter, dto.DiscussionsCounter, dto.PollsCounter,
                dto.CategoriesCounter, dto.Reputation));
    }

    [Fact]
    public void Images_are_absolute_urls_from_the_media_port()
    {
        var dto = TestDoubles.Mapper(_mediaUrls).Map<UserDto>(FullUser());

        Assert.Equal(TestDoubles.MediaBase + "avatars/a.jpg", dto.Avatar);
        Assert.Equal(TestDoubles.MediaBase + "covers/c.jpg", dto.Cover);
    }

    [Fact]
    public void A_user_without_images_maps_them_to_null()
    {
        var dto = TestDoubles.Mapper(_mediaUrls).Map<UserDto>(TestDoubles.Alice());

        Assert.Null(dto.Avatar);
        Assert.Null(dto.Cover);
    }

    [Fact]
    public void Tags_are_ordered_by_id_with_every_field()
    {
        var dto = TestDoubles.Mapper(_mediaUrls).Map<UserDto>(FullUser());

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
        var dto = TestDoubles.Mapper(_mediaUrls).Map<UserDto>(TestDoubles.Alice());

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
        user.UpdateProfile(new ProfileChanges { Gender = gender });

        Assert.Equal(expected, TestDoubles.Mapper(_mediaUrls).Map<UserDto>(user).Gender);
    }
}
