using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.UnitTests.Support;
using CleanUser.Application.Users.Commands.PatchUser;
using CleanUser.Domain.Common;
using CleanUser.Domain.Users;
using FluentValidation.Results;
using NSubstitute;

namespace CleanUser.Application.UnitTests.Users.Commands;

public class PatchUserCommandValidatorTests
{
    private readonly IUsernameUniquenessChecker _uniqueness = Substitute.For<IUsernameUniquenessChecker>();
    private readonly IUserRepository _users = Substitute.For<IUserRepository>();

    private PatchUserCommandValidator Validator(ReservedUsernames? reserved = null) =>
        new(reserved ?? ReservedUsernames.Default, _uniqueness, TestDoubles.Clock(), _users, TestDoubles.MediaUrls());

    private async Task<IReadOnlyList<(string Field, string Code)>> Failures(PatchUserCommand command, ReservedUsernames? reserved = null)
    {
        var result = await Validator(reserved).ValidateAsync(command);
        return result.Errors.Select(e => (e.PropertyName, e.ErrorCode)).ToList();
    }

    private static PatchUserCommand Command() => new(TestDoubles.AliceId);

    [Fact]
    public async Task A_valid_command_has_no_failures()
    {
        var result = await Validator().ValidateAsync(Command() with
        {
            Username = "alice_l",
            RealName = "Alice Liddell",
            Bio = "Line one\nLine two",
            Location = "Oxford",
            LocationLatLng = "45.4642, 9.19",
            PositionLatLng = "",
            DateOfBirth = "1990-05-04",
            Description = "Explorer",
            Gender = "female",
            Website = "https://alice.example",
        });

        Assert.True(result.IsValid);
        Assert.Empty(result.Errors);
    }

    [Fact]
    public async Task An_empty_command_has_no_failures() => Assert.Empty(await Failures(Command()));

    [Fact]
    public async Task Null_values_that_reset_fields_have_no_failures()
    {
        Assert.Empty(await Failures(Command() with
        {
            RealName = Optional<string?>.Of(null),
            Bio = Optional<string?>.Of(null),
            Location = Optional<string?>.Of(null),
            LocationLatLng = Optional<string?>.Of(null),
            PositionLatLng = Optional<string?>.Of(null),
            DateOfBirth = Optional<string?>.Of(null),
            Description = Optional<string?>.Of(null),
            Gender = Optional<string?>.Of(null),
            Website = Optional<string?>.Of(null),
        }));
    }

    [Fact]
    public async Task Bad_username_long_bio_and_bad_gender_are_reported_together()
    {
        var failures = await Failures(Command() with
        {
            Username = "alice smith",
            Bio = new string('x', 5001),
            Gender = "other",
        });

        Assert.Equal(
            [(UserFields.Username, RuleCodes.Invalid), (UserFields.Bio, RuleCodes.MaxLength), (UserFields.Gender, RuleCodes.InvalidChoice)],
            failures);
    }

    [Fact]
    public async Task Every_broken_field_is_reported_in_spec_order()
    {
        var failures = await Failures(Command() with
        {
            Website = "ftp://x",
            Gender = "1",
            Description = new string('x', 51),
            DateOfBirth = "2021-02-29",
            PositionLatLng = "1,2,3",
            LocationLatLng = "NaN,0",
            Location = "a\nb",
            Bio = "a\0b",
            RealName = new string('x', 256),
            Username = "Admin",
        });

        Assert.Equal(
            [
                (UserFields.Username, RuleCodes.Reserved),
                (UserFields.RealName, RuleCodes.MaxLength),
                (UserFields.Bio, RuleCodes.NullCharactersNotAllowed),
                (UserFields.Location, RuleCodes.Invalid),
                (UserFields.LocationLatLng, RuleCodes.Invalid),
                (UserFields.PositionLatLng, RuleCodes.Invalid),
                (UserFields.DateOfBirth, RuleCodes.Invalid),
                (UserFields.Description, RuleCodes.MaxLength),
                (UserFields.Gender, RuleCodes.InvalidChoice),
                (UserFields.Website, RuleCodes.Invalid),
            ],
            failures);
    }

    [Fact]
    public async Task Failures_carry_the_rule_message()
    {
        var result = await Validator().ValidateAsync(Command() with { Username = Optional<string?>.Of(null) });

        var failure = Assert.Single(result.Errors);
        Assert.Equal(UserFields.Username, failure.PropertyName);
        Assert.Equal(RuleCodes.Null, failure.ErrorCode);
        Assert.Equal("This field may not be null.", failure.ErrorMessage);
    }

    [Theory]
    [InlineData(null, RuleCodes.Null)]
    [InlineData("", RuleCodes.Blank)]
    [InlineData("  ", RuleCodes.Blank)]
    [InlineData("al\0ice", RuleCodes.NullCharactersNotAllowed)]
    [InlineData("alicé", RuleCodes.Invalid)]
    [InlineData("ME", RuleCodes.Reserved)]
    public async Task An_invalid_username_is_reported_without_asking_the_checker(string? username, string code)
    {
        Assert.Equal([(UserFields.Username, code)], await Failures(Command() with { Username = username }));

        await _uniqueness.DidNotReceiveWithAnyArgs().IsTakenByAnotherUserAsync(default!, default, default);
    }

    [Fact]
    public async Task A_too_long_username_is_reported_as_max_length() =>
        Assert.Equal([(UserFields.Username, RuleCodes.MaxLength)], await Failures(Command() with { Username = new string('a', 256) }));

    [Fact]
    public async Task The_configured_reserved_list_is_used()
    {
        var reserved = new ReservedUsernames(["ceo"]);

        Assert.Equal([(UserFields.Username, RuleCodes.Reserved)], await Failures(Command() with { Username = "CEO" }, reserved));
        Assert.Empty(await Failures(Command() with { Username = "admin" }, reserved));
    }

    [Fact]
    public async Task A_username_taken_by_another_user_is_reported_as_unique()
    {
        _uniqueness.IsTakenByAnotherUserAsync(Arg.Is<Username>(u => u.Normalized == "bob"), TestDoubles.AliceId, Arg.Any<CancellationToken>())
            .Returns(true);

        var result = await Validator().ValidateAsync(Command() with { Username = "  BOB " });

        var failure = Assert.Single(result.Errors);
        Assert.Equal(UserFields.Username, failure.PropertyName);
        Assert.Equal(RuleCodes.Unique, failure.ErrorCode);
        Assert.Equal("A user with that username already exists.", failure.ErrorMessage);
    }

    [Fact]
    public async Task The_checker_is_asked_about_the_trimmed_name_for_the_patched_user()
    {
        using var cancellation = new CancellationTokenSource();

        await Validator().ValidateAsync(Command() with { Username = " bob " }, cancellation.Token);

        await _uniqueness.Received(1).IsTakenByAnotherUserAsync(
            Arg.Is<Username>(u => u.Value == "bob"), TestDoubles.AliceId, cancellation.Token);
    }

    [Fact]
    public async Task A_free_username_has_no_failures()
    {
        _uniqueness.IsTakenByAnotherUserAsync(Arg.Any<Username>(), Arg.Any<long>(), Arg.Any<CancellationToken>()).Returns(false);

        Assert.Empty(await Failures(Command() with { Username = "bob" }));
    }

    [Fact]
    public async Task A_taken_username_is_reported_together_with_other_failures()
    {
        _uniqueness.IsTakenByAnotherUserAsync(Arg.Any<Username>(), Arg.Any<long>(), Arg.Any<CancellationToken>()).Returns(true);

        Assert.Equal(
            [(UserFields.Username, RuleCodes.Unique), (UserFields.Website, RuleCodes.MaxLength)],
            await Failures(Command() with { Username = "bob", Website = "https://example.com/" + new string('a', 190) }));
    }

    [Theory]
    [InlineData("2025-06-07", true)] // today, by the clock
    [InlineData("2025-06-08", false)]
    [InlineData("1900-01-01", true)]
    [InlineData("1899-12-31", false)]
    [InlineData("03/02/2020", false)]
    public async Task Date_of_birth_is_checked_against_the_clock(string date, bool valid)
    {
        var failures = await Failures(Command() with { DateOfBirth = date });

        if (valid)
        {
            Assert.Empty(failures);
        }
        else
        {
            Assert.Equal([(UserFields.DateOfBirth, RuleCodes.Invalid)], failures);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("Male,Female")]
    public async Task A_gender_that_is_not_one_of_the_choices_is_reported(string gender) =>
        Assert.Equal([(UserFields.Gender, RuleCodes.InvalidChoice)], await Failures(Command() with { Gender = gender }));

    [Fact]
    public async Task Fifty_emoji_in_the_description_are_fine_and_fifty_one_are_not()
    {
        Assert.Empty(await Failures(Command() with { Description = string.Concat(Enumerable.Repeat("😀", 50)) }));
        Assert.Equal(
            [(UserFields.Description, RuleCodes.MaxLength)],
            await Failures(Command() with { Description = string.Concat(Enumerable.Repeat("😀", 51)) }));
    }

    [Fact]
    public async Task An_empty_website_is_fine() => Assert.Empty(await Failures(Command() with { Website = "" }));

    [Fact]
    public async Task Validation_changes_nothing_in_the_command()
    {
        var command = Command() with { Username = " bob ", Bio = " x " };

        await Validator().ValidateAsync(command);

        Assert.Equal(" bob ", command.Username.Value);
        Assert.Equal(" x ", command.Bio.Value);
    }

    [Fact]
    public async Task Failures_are_validation_failures_with_the_field_as_property_name()
    {
        var result = await Validator().ValidateAsync(Command() with { Gender = "x" });

        var failure = Assert.IsType<ValidationFailure>(Assert.Single(result.Errors));
        Assert.Equal(UserFields.Gender, failure.PropertyName);
    }

    [Fact]
    public async Task A_full_update_without_username_fails_with_required()
    {
        var failures = await Failures(Command() with { IsFullUpdate = true, Bio = "only a bio" });

        Assert.Equal([(UserFields.Username, RuleCodes.Required)], failures);
    }

    [Fact]
    public async Task A_full_update_with_username_passes()
    {
        var failures = await Failures(Command() with { IsFullUpdate = true, Username = "alice" });

        Assert.Empty(failures);
    }

    [Fact]
    public async Task A_partial_update_without_username_passes()
    {
        var failures = await Failures(Command() with { Bio = "only a bio" });

        Assert.Empty(failures);
    }

    [Fact]
    public async Task A_reserved_name_the_user_already_holds_can_be_sent_back()
    {
        _users.GetStoredKeysAsync(TestDoubles.AliceId, Arg.Any<CancellationToken>())
            .Returns(new StoredUserKeys(Username.FromStored("admin"), null, null));

        Assert.Empty(await Failures(Command() with { Username = "admin" }));
        Assert.Empty(await Failures(Command() with { Username = "Admin" }));
    }

    [Fact]
    public async Task A_reserved_name_someone_else_would_take_is_still_reserved()
    {
        _users.GetStoredKeysAsync(TestDoubles.AliceId, Arg.Any<CancellationToken>())
            .Returns(new StoredUserKeys(Username.FromStored("alice"), null, null));

        Assert.Equal([(UserFields.Username, RuleCodes.Reserved)], await Failures(Command() with { Username = "admin" }));
    }

    [Fact]
    public async Task An_image_text_other_than_the_current_url_is_reported_with_the_other_fields()
    {
        _users.GetStoredKeysAsync(TestDoubles.AliceId, Arg.Any<CancellationToken>())
            .Returns(new StoredUserKeys(Username.FromStored("alice"), "avatars/a.jpg", null));

        var failures = await Failures(Command() with
        {
            Bio = new string('x', 5001),
            Avatar = TestDoubles.MediaBase + "avatars/a.jpg",
            Cover = "https://elsewhere.example/c.jpg",
        });

        Assert.Equal([(UserFields.Bio, RuleCodes.MaxLength), (UserFields.Cover, RuleCodes.Invalid)], failures);
    }
}
