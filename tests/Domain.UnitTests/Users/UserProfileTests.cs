using CleanUser.Domain.Common;
using CleanUser.Domain.UnitTests.Fakes;
using CleanUser.Domain.Users;
using CleanUser.Tests.Support;
using Full = CleanUser.Tests.Support.UserBuilder.Full;

namespace CleanUser.Domain.UnitTests.Users;

/// <summary>
/// Updating the profile. Values arrive already valid (the rules are tested on their own: TextRuleTests,
/// WebsiteTests, GeoPointTests, BirthDateTests, GenderChoiceTests); the aggregate sets what it is given, keeps
/// what it is not, and refuses text made by another field's rule.
/// </summary>
public class UserProfileTests
{
    /// <summary>The wire names of the five text fields (docs/api.md#fields).</summary>
    private static readonly string[] TextFieldNames = ["real_name", "bio", "location", "description", "website"];

    public static TheoryData<string> TextFields => new(TextFieldNames);

    /// <summary>Every text field paired with every other text field, whose rule made the text.</summary>
    public static TheoryData<string, string> TextFieldsWithAnotherFieldsRule
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var target in TextFieldNames)
            {
                foreach (var other in TextFieldNames.Where(o => o != target))
                {
                    data.Add(target, other);
                }
            }

            return data;
        }
    }

    private static ProfileText TextFor(string field, string? raw) => field switch
    {
        "real_name" => User.RealNameRule.Create(raw),
        "bio" => User.BioRule.Create(raw),
        "location" => User.LocationRule.Create(raw),
        "description" => User.DescriptionRule.Create(raw),
        "website" => Website.Create(raw),
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };

    private static ProfileChanges ChangeOf(string field, ProfileText text) => field switch
    {
        "real_name" => new ProfileChanges { RealName = text },
        "bio" => new ProfileChanges { Bio = text },
        "location" => new ProfileChanges { Location = text },
        "description" => new ProfileChanges { Description = text },
        "website" => new ProfileChanges { Website = text },
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };

    private static string ValueOf(User user, string field) => field switch
    {
        "real_name" => user.RealName,
        "bio" => user.Bio,
        "location" => user.Location,
        "description" => user.Description,
        "website" => user.Website,
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };

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
        var user = TestUsers.Alice();

        user.UpdateProfile(Full.Profile, TestUsers.Now);

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
    public void Text_is_stored_as_its_rule_made_it()
    {
        var user = TestUsers.Alice();

        user.UpdateProfile(new ProfileChanges
        {
            RealName = User.RealNameRule.Create("  Alice  "),
            Website = Website.Create(" https://a.example "),
        }, TestUsers.Now);

        Assert.Equal("Alice", user.RealName);
        Assert.Equal("https://a.example", user.Website);
    }

    [Fact]
    public void Absent_fields_keep_their_values()
    {
        var user = TestUsers.FilledInAlice();
        var before = UserSnapshot.Of(user);

        user.UpdateProfile(new ProfileChanges { Bio = User.BioRule.Create("Changed.") }, TestUsers.Now);

        Assert.Equal(before with { Bio = "Changed." }, UserSnapshot.Of(user));
    }

    [Fact]
    public void An_empty_change_set_changes_nothing()
    {
        var user = TestUsers.FilledInAlice();
        var before = UserSnapshot.Of(user);

        user.UpdateProfile(new ProfileChanges(), TestUsers.Now);

        Assert.Equal(before, UserSnapshot.Of(user));
    }

    [Fact]
    public void Null_and_empty_values_reset_every_field_to_its_default()
    {
        var user = TestUsers.FilledInAlice();
        var before = UserSnapshot.Of(user);

        user.UpdateProfile(TestProfiles.Reset, TestUsers.Now);

        Assert.Equal(before.WithDefaultProfile(), UserSnapshot.Of(user));
    }

    [Theory]
    [MemberData(nameof(TextFields))]
    public void Text_made_from_null_resets_the_field_to_empty(string field)
    {
        var user = TestUsers.FilledInAlice();

        user.UpdateProfile(ChangeOf(field, TextFor(field, null)), TestUsers.Now);

        Assert.Equal(string.Empty, ValueOf(user, field));
    }

    [Theory]
    [MemberData(nameof(TextFields))]
    public void Text_made_from_blank_resets_the_field_to_empty(string field)
    {
        var user = TestUsers.FilledInAlice();

        user.UpdateProfile(ChangeOf(field, TextFor(field, "   ")), TestUsers.Now);

        Assert.Equal(string.Empty, ValueOf(user, field));
    }

    [Theory]
    [MemberData(nameof(TextFieldsWithAnotherFieldsRule))]
    public void Text_made_by_another_fields_rule_is_refused(string field, string madeFor)
    {
        var user = TestUsers.FilledInAlice();
        var before = ValueOf(user, field);

        var exception = Assert.Throws<ArgumentException>(() => user.UpdateProfile(ChangeOf(field, TextFor(madeFor, "")), TestUsers.Now));

        Assert.Contains($"'{madeFor}'", exception.Message, StringComparison.Ordinal);
        Assert.Contains($"'{field}'", exception.Message, StringComparison.Ordinal);
        Assert.Equal(before, ValueOf(user, field));
    }

    [Fact]
    public void A_bio_cannot_be_stored_as_the_description_even_if_it_would_fit()
    {
        var user = TestUsers.FilledInAlice();

        var bioForTheDescription = new ProfileChanges { Description = User.BioRule.Create("Short") };

        Assert.Throws<ArgumentException>(() => user.UpdateProfile(bioForTheDescription, TestUsers.Now));
        Assert.Equal(Full.Description, user.Description);
    }

    /// <summary>A user not stored yet has no id to name: its first values are its registration (UserUpdatedTests for the rest).</summary>
    [Fact]
    public void Updating_a_user_not_stored_yet_raises_no_domain_event()
    {
        var user = TestUsers.FilledInAlice();

        user.UpdateProfile(TestProfiles.Reset, TestUsers.Now);

        Assert.Empty(user.DomainEvents);
    }

    [Fact]
    public void Null_change_set_is_refused() =>
        Assert.Throws<ArgumentNullException>(() => TestUsers.Alice().UpdateProfile(null!, TestUsers.Now));
}
