using CleanUser.Domain.Common;
using CleanUser.Domain.UnitTests.Fakes;
using CleanUser.Domain.Users;
using CleanUser.Tests.Support;
using Full = CleanUser.Tests.Support.UserBuilder.Full;

namespace CleanUser.Domain.UnitTests.Users;

public class UserProfileTests
{
    /// <summary>Alice after one update that set every profile field (the values of <see cref="Full"/>).</summary>
    private static User FilledIn()
    {
        var user = TestUsers.Alice();
        user.UpdateProfile(Full.Profile);
        return user;
    }

    private static string Repeat(string text, int count) => string.Concat(Enumerable.Repeat(text, count));

    [Fact]
    public void A_registered_user_has_the_default_profile()
    {
        var user = TestUsers.Alice();

        Assert.Equal("alice", user.Username.Value);
        Assert.Equal(TestUsers.Joined, user.DateJoined);
        Assert.Equal(string.Empty, user.RealName);
        Assert.Equal(string.Empty, user.Bio);
        Assert.Equal(string.Empty, user.Location);
        Assert.Equal(string.Empty, user.Description);
        Assert.Equal(string.Empty, user.Website);
        Assert.Null(user.LocationLatLng);
        Assert.Null(user.PositionLatLng);
        Assert.Null(user.DateOfBirth);
        Assert.Null(user.Avatar);
        Assert.Null(user.Cover);
        Assert.Equal(Gender.Unspecified, user.Gender);
        Assert.True(user.RegApproved);
        Assert.False(user.IsBlocked);
        Assert.False(user.IsDeleted);
        Assert.Empty(user.DomainEvents);
    }

    [Fact]
    public void Updating_the_profile_sets_every_field_given()
    {
        var user = FilledIn();

        Assert.Equal(Full.RealName, user.RealName);
        Assert.Equal(Full.Bio, user.Bio);
        Assert.Equal(Full.Location, user.Location);
        Assert.Equal(Full.LocationLatLng, user.LocationLatLng?.ToString());
        Assert.Equal(Full.PositionLatLng, user.PositionLatLng?.ToString());
        Assert.Equal(Full.DateOfBirth, user.DateOfBirth);
        Assert.Equal(Full.Description, user.Description);
        Assert.Equal(Full.Gender, user.Gender);
        Assert.Equal(Full.Website, user.Website);
    }

    [Fact]
    public void Absent_fields_keep_their_values()
    {
        var user = FilledIn();
        var before = UserSnapshot.Of(user);

        user.UpdateProfile(new ProfileChanges { Bio = "Changed." });

        Assert.Equal(before with { Bio = "Changed." }, UserSnapshot.Of(user));
    }

    [Fact]
    public void An_empty_change_set_changes_nothing()
    {
        var user = FilledIn();
        var before = UserSnapshot.Of(user);

        user.UpdateProfile(new ProfileChanges());

        Assert.Equal(before, UserSnapshot.Of(user));
    }

    [Fact]
    public void Null_resets_every_field_to_its_default()
    {
        var user = FilledIn();

        user.UpdateProfile(new ProfileChanges
        {
            RealName = Optional<string?>.Of(null),
            Bio = Optional<string?>.Of(null),
            Location = Optional<string?>.Of(null),
            LocationLatLng = Optional<GeoPoint?>.Of(null),
            PositionLatLng = Optional<GeoPoint?>.Of(null),
            DateOfBirth = Optional<DateOnly?>.Of(null),
            Description = Optional<string?>.Of(null),
            Gender = Gender.Unspecified,
            Website = Optional<string?>.Of(null),
        });

        Assert.Equal(string.Empty, user.RealName);
        Assert.Equal(string.Empty, user.Bio);
        Assert.Equal(string.Empty, user.Location);
        Assert.Null(user.LocationLatLng);
        Assert.Null(user.PositionLatLng);
        Assert.Null(user.DateOfBirth);
        Assert.Equal(string.Empty, user.Description);
        Assert.Equal(Gender.Unspecified, user.Gender);
        Assert.Equal(string.Empty, user.Website);
    }

    [Fact]
    public void Text_fields_are_stored_trimmed()
    {
        var user = TestUsers.Alice();

        user.UpdateProfile(new ProfileChanges
        {
            RealName = "  Alice  ",
            Bio = "\n Hello \n",
            Location = " Milan\t",
            Description = " Hi ",
            Website = "  https://alice.example  ",
        });

        Assert.Equal("Alice", user.RealName);
        Assert.Equal("Hello", user.Bio);
        Assert.Equal("Milan", user.Location);
        Assert.Equal("Hi", user.Description);
        Assert.Equal("https://alice.example", user.Website);
    }

    [Fact]
    public void Description_of_50_emoji_is_accepted()
    {
        var user = TestUsers.Alice();
        var fiftyEmoji = Repeat("🎉", 50);

        user.UpdateProfile(new ProfileChanges { Description = fiftyEmoji });

        Assert.Equal(fiftyEmoji, user.Description);
    }

    [Fact]
    public void Description_of_51_emoji_is_too_long()
    {
        var user = TestUsers.Alice();

        var exception = Assert.Throws<InvalidValueException>(() =>
            user.UpdateProfile(new ProfileChanges { Description = Repeat("🎉", 51) }));

        Assert.Equal(UserFields.Description, exception.Field);
        Assert.Equal(RuleCodes.MaxLength, exception.Violation.Code);
    }

    public static TheoryData<string, int> TextFieldLimits => new()
    {
        { UserFields.RealName, 255 },
        { UserFields.Bio, 5000 },
        { UserFields.Location, 100 },
        { UserFields.Description, 50 },
    };

    private static ProfileChanges ChangeOf(string field, string? value) => field switch
    {
        UserFields.RealName => new ProfileChanges { RealName = value },
        UserFields.Bio => new ProfileChanges { Bio = value },
        UserFields.Location => new ProfileChanges { Location = value },
        UserFields.Description => new ProfileChanges { Description = value },
        UserFields.Website => new ProfileChanges { Website = value },
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };

    private static string ValueOf(User user, string field) => field switch
    {
        UserFields.RealName => user.RealName,
        UserFields.Bio => user.Bio,
        UserFields.Location => user.Location,
        UserFields.Description => user.Description,
        UserFields.Website => user.Website,
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };

    [Theory]
    [MemberData(nameof(TextFieldLimits))]
    public void Text_field_at_its_maximum_length_is_accepted(string field, int maxLength)
    {
        var user = TestUsers.Alice();
        var value = Repeat("é", maxLength);

        user.UpdateProfile(ChangeOf(field, value));

        Assert.Equal(value, ValueOf(user, field));
    }

    [Theory]
    [MemberData(nameof(TextFieldLimits))]
    public void Text_field_one_code_point_over_its_maximum_is_refused(string field, int maxLength)
    {
        var user = TestUsers.Alice();

        var exception = Assert.Throws<InvalidValueException>(() => user.UpdateProfile(ChangeOf(field, Repeat("😀", maxLength + 1))));

        Assert.Equal(field, exception.Field);
        Assert.Equal(RuleCodes.MaxLength, exception.Violation.Code);
    }

    [Fact]
    public void Bio_may_have_several_lines()
    {
        var user = TestUsers.Alice();

        user.UpdateProfile(new ProfileChanges { Bio = "first line\nsecond line\r\nthird" });

        Assert.Equal("first line\nsecond line\r\nthird", user.Bio);
    }

    [Theory]
    [InlineData(UserFields.RealName)]
    [InlineData(UserFields.Location)]
    [InlineData(UserFields.Description)]
    public void Single_line_field_refuses_a_newline_as_invalid(string field)
    {
        var user = TestUsers.Alice();

        var exception = Assert.Throws<InvalidValueException>(() => user.UpdateProfile(ChangeOf(field, "one\ntwo")));

        Assert.Equal(field, exception.Field);
        Assert.Equal(RuleCodes.Invalid, exception.Violation.Code);
    }

    [Theory]
    [InlineData(UserFields.RealName)]
    [InlineData(UserFields.Bio)]
    [InlineData(UserFields.Location)]
    [InlineData(UserFields.Description)]
    public void Text_field_refuses_a_null_character(string field)
    {
        var user = TestUsers.Alice();

        var exception = Assert.Throws<InvalidValueException>(() => user.UpdateProfile(ChangeOf(field, "a\0b")));

        Assert.Equal(field, exception.Field);
        Assert.Equal(RuleCodes.NullCharactersNotAllowed, exception.Violation.Code);
    }

    [Fact]
    public void Website_refuses_a_null_character() =>
        Assert.Equal(UserFields.Website, Assert.Throws<InvalidValueException>(() =>
            TestUsers.Alice().UpdateProfile(new ProfileChanges { Website = "https://a.example/\0" })).Field);

    [Theory]
    [InlineData(UserFields.RealName)]
    [InlineData(UserFields.Bio)]
    [InlineData(UserFields.Location)]
    [InlineData(UserFields.Description)]
    [InlineData(UserFields.Website)]
    public void Null_text_resets_the_field_to_empty(string field)
    {
        var user = FilledIn();

        user.UpdateProfile(ChangeOf(field, null));

        Assert.Equal(string.Empty, ValueOf(user, field));
    }

    [Fact]
    public void Invalid_website_is_refused_for_the_website_field()
    {
        var exception = Assert.Throws<InvalidValueException>(() =>
            TestUsers.Alice().UpdateProfile(new ProfileChanges { Website = "ftp://alice.example" }));

        Assert.Equal(UserFields.Website, exception.Field);
        Assert.Equal(RuleCodes.Invalid, exception.Violation.Code);
    }

    public static TheoryData<string> OneBadValue => new()
    {
        UserFields.RealName,
        UserFields.Bio,
        UserFields.Location,
        UserFields.Description,
        UserFields.Website,
    };

    [Theory]
    [MemberData(nameof(OneBadValue))]
    public void An_update_with_one_invalid_value_changes_nothing_at_all(string badField)
    {
        var user = FilledIn();
        var before = UserSnapshot.Of(user);
        var changes = new ProfileChanges
        {
            RealName = badField == UserFields.RealName ? "bad\nname" : "Alice Pleasance",
            Bio = badField == UserFields.Bio ? "bad\0bio" : "New bio",
            Location = badField == UserFields.Location ? new string('x', 101) : "Oxford",
            LocationLatLng = Optional<GeoPoint?>.Of(null),
            PositionLatLng = Optional<GeoPoint?>.Of(null),
            DateOfBirth = new DateOnly(2000, 1, 1),
            Description = badField == UserFields.Description ? new string('x', 51) : "Dreamer",
            Gender = Gender.Male,
            Website = badField == UserFields.Website ? "not a url" : "https://other.example",
        };

        var exception = Assert.Throws<InvalidValueException>(() => user.UpdateProfile(changes));

        Assert.Equal(badField, exception.Field);
        Assert.Equal(before, UserSnapshot.Of(user));
    }

    [Fact]
    public void Updating_the_profile_raises_no_domain_event()
    {
        var user = FilledIn();

        Assert.Empty(user.DomainEvents);
    }

    [Fact]
    public void Null_change_set_is_refused() =>
        Assert.Throws<ArgumentNullException>(() => TestUsers.Alice().UpdateProfile(null!));
}
