using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.Common.Media;
using CleanUser.Application.UnitTests.Support;
using CleanUser.Application.Users.Commands.PatchUser;
using CleanUser.Domain.Common;
using CleanUser.Domain.Users;
using FluentValidation.Results;
using NSubstitute;
using static CleanUser.Application.UnitTests.Support.TestDoubles;

namespace CleanUser.Application.UnitTests.Users.Commands;

/// <summary>
/// The one validator of a profile change: the violations the patch found in the text, and the rules that need
/// context — PUT's required username, reserved names, uniqueness, today's date, the current image URL, the upload
/// checks — reported together in field order (docs/api.md#errors).
/// </summary>
public class PatchUserCommandValidatorTests : PatchUserTestBase
{
    private async Task<IReadOnlyList<(string Field, string Code)>> Failures(PatchUserCommand command, ReservedUsernames? reserved = null)
    {
        var result = await Validator(reserved).ValidateAsync(command);
        return result.Errors.Select(e => (e.PropertyName, e.ErrorCode)).ToList();
    }

    private void StoredAlice(string username = "alice", string? avatar = null, string? cover = null) =>
        Users.GetStoredKeysAsync(AliceId, Arg.Any<CancellationToken>())
            .Returns(new StoredUserKeys(Username.FromStored(username), avatar, cover));

    private void Taken(bool taken = true) => Facts(current => current with { TakenByAnother = taken });

    [Fact]
    public async Task A_valid_command_has_no_failures()
    {
        var result = await Validator().ValidateAsync(Command(
            ("username", "alice_l"),
            ("real_name", "Alice Liddell"),
            ("bio", "Line one\nLine two"),
            ("location", "Oxford"),
            ("location_lat_lng", "45.4642, 9.19"),
            ("position_lat_lng", ""),
            ("date_of_birth", "1990-05-04"),
            ("description", "Explorer"),
            ("gender", "female"),
            ("website", "https://alice.example")));

        Assert.True(result.IsValid);
        Assert.Empty(result.Errors);
    }

    [Fact]
    public async Task An_empty_command_has_no_failures()
    {
        Assert.Empty(await Failures(new PatchUserCommand(AliceId, ProfilePatch.Empty)));

        Assert.Empty(Users.ReceivedCalls());
        Assert.Empty(Uniqueness.ReceivedCalls());
        Assert.Empty(Images.ReceivedCalls());
    }

    [Fact]
    public async Task Null_values_that_reset_fields_have_no_failures()
    {
        Assert.Empty(await Failures(Command(
            ("real_name", null), ("bio", null), ("location", null), ("location_lat_lng", null), ("position_lat_lng", null),
            ("date_of_birth", null), ("description", null), ("gender", null), ("website", null),
            ("avatar", null), ("cover", null), ("avatar_base64", null), ("cover_base64", null))));
    }

    [Fact]
    public async Task Bad_username_long_bio_and_bad_gender_are_reported_together()
    {
        var failures = await Failures(Command(("username", "alice smith"), ("bio", new string('x', 5001)), ("gender", "other")));

        Assert.Equal(
            [(UserFields.Username, RuleCodes.Invalid), (User.BioRule.Field, RuleCodes.MaxLength), (UserFields.Gender, RuleCodes.InvalidChoice)],
            failures);
    }

    [Fact]
    public async Task Every_broken_field_is_reported_once_in_field_order()
    {
        StoredAlice(avatar: "avatars/a.jpg");
        Images.InspectAsync(Arg.Any<ImageUpload>(), ImageKind.Cover, Arg.Any<CancellationToken>())
            .Returns(ImageRules.TooManyBytes(5 * 1024 * 1024));

        // Sent in reverse order: the order of the errors is the order of the fields, not of the body.
        var failures = await Failures(Command(
            ("cover_base64", "image/png;base64,AAEC"),
            ("avatar", "https://elsewhere.example/a.jpg"),
            ("website", "ftp://x"),
            ("gender", "1"),
            ("description", new string('x', 51)),
            ("date_of_birth", "2021-02-29"),
            ("position_lat_lng", "1,2,3"),
            ("location_lat_lng", "NaN,0"),
            ("location", "a\nb"),
            ("bio", "a\0b"),
            ("real_name", new string('x', 256)),
            ("username", "Admin")));

        Assert.Equal(
            [
                (UserFields.Username, RuleCodes.Reserved),
                (User.RealNameRule.Field, RuleCodes.MaxLength),
                (User.BioRule.Field, RuleCodes.NullCharactersNotAllowed),
                (User.LocationRule.Field, RuleCodes.Invalid),
                (UserFields.LocationLatLng, RuleCodes.Invalid),
                (UserFields.PositionLatLng, RuleCodes.Invalid),
                (UserFields.DateOfBirth, RuleCodes.Invalid),
                (User.DescriptionRule.Field, RuleCodes.MaxLength),
                (UserFields.Gender, RuleCodes.InvalidChoice),
                (UserFields.Website, RuleCodes.Invalid),
                (UserFields.Avatar, RuleCodes.Invalid),
                (UserFields.CoverBase64, ImageRules.FileTooLarge),
            ],
            failures);
    }

    [Fact]
    public async Task A_violation_the_patch_found_is_reported_once()
    {
        var command = Command(("bio", new string('x', 5001)));
        Assert.Single(command.Patch.Violations);

        var result = await Validator().ValidateAsync(command);

        var failure = Assert.Single(result.Errors);
        Assert.Equal((User.BioRule.Field, RuleCodes.MaxLength), (failure.PropertyName, failure.ErrorCode));
        Assert.Equal("Ensure this field has no more than 5000 characters.", failure.ErrorMessage);
    }

    [Fact]
    public async Task A_date_of_birth_in_the_future_is_reported_once()
    {
        var failure = Assert.Single((await Validator().ValidateAsync(Command(("date_of_birth", "2025-06-08")))).Errors);

        Assert.Equal((UserFields.DateOfBirth, RuleCodes.Invalid), (failure.PropertyName, failure.ErrorCode));
        Assert.Equal("Date of birth cannot be in the future.", failure.ErrorMessage);
    }

    [Fact]
    public async Task Failures_carry_the_rule_message()
    {
        var result = await Validator().ValidateAsync(Command(("username", null)));

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
        Assert.Equal([(UserFields.Username, code)], await Failures(Command(("username", username))));

        await Uniqueness.DidNotReceiveWithAnyArgs().GetFactsAsync(default!, default, default, default);
    }

    [Fact]
    public async Task A_too_long_username_is_reported_as_max_length() =>
        Assert.Equal([(UserFields.Username, RuleCodes.MaxLength)], await Failures(Command(("username", new string('a', 256)))));

    [Fact]
    public async Task The_configured_reserved_list_is_used()
    {
        var reserved = new ReservedUsernames(["ceo"]);

        Assert.Equal([(UserFields.Username, RuleCodes.Reserved)], await Failures(Command(("username", "CEO")), reserved));
        Assert.Empty(await Failures(Command(("username", "admin")), reserved));
    }

    [Fact]
    public async Task A_username_taken_by_another_user_is_reported_as_unique()
    {
        Uniqueness.GetFactsAsync(Arg.Is<Username>(u => u.Normalized == "bob"), AliceId, Now, Arg.Any<CancellationToken>())
            .Returns(new UsernameFacts(Alice.Username, null, TakenByAnother: true, false, false, false));

        var result = await Validator().ValidateAsync(Command(("username", "  BOB ")));

        var failure = Assert.Single(result.Errors);
        Assert.Equal(UserFields.Username, failure.PropertyName);
        Assert.Equal(RuleCodes.Unique, failure.ErrorCode);
        Assert.Equal("A user with that username already exists.", failure.ErrorMessage);
    }

    [Fact]
    public async Task The_checker_is_asked_once_about_the_trimmed_name_for_the_patched_user()
    {
        using var cancellation = new CancellationTokenSource();

        await Validator().ValidateAsync(Command(("username", " bob ")), cancellation.Token);

        await Uniqueness.Received(1).GetFactsAsync(
            Arg.Is<Username>(u => u.Value == "bob"), AliceId, Now, cancellation.Token);
        Assert.Single(Uniqueness.ReceivedCalls());
    }

    [Fact]
    public async Task A_name_that_is_not_reserved_never_reads_the_stored_user()
    {
        await Validator().ValidateAsync(Command(("username", "bob"), ("bio", "x"), ("date_of_birth", "1990-05-04")));

        await Users.DidNotReceiveWithAnyArgs().GetStoredKeysAsync(default, default);
        Assert.Single(Uniqueness.ReceivedCalls());
    }

    [Fact]
    public async Task A_case_only_change_of_the_own_name_is_asked_once_like_any_other()
    {
        // The checker leaves the patched user out, so Alice renaming herself "Alice" is not taken.
        Assert.Empty(await Failures(Command(("username", "Alice"))));

        await Uniqueness.Received(1).GetFactsAsync(Arg.Is<Username>(u => u.Value == "Alice"), AliceId, Now, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task A_free_username_has_no_failures()
    {
        Taken(false);

        Assert.Empty(await Failures(Command(("username", "bob"))));
    }

    [Fact]
    public async Task A_taken_username_is_reported_together_with_other_failures()
    {
        Taken();

        Assert.Equal(
            [(UserFields.Username, RuleCodes.Unique), (UserFields.Website, RuleCodes.MaxLength)],
            await Failures(Command(("username", "bob"), ("website", "https://example.com/" + new string('a', 190)))));
    }

    [Theory]
    [InlineData("2025-06-07", true)] // today, by the clock
    [InlineData("2025-06-08", false)]
    [InlineData("1900-01-01", true)]
    [InlineData("1899-12-31", false)]
    [InlineData("03/02/2020", false)]
    public async Task Date_of_birth_is_checked_against_the_clock(string date, bool valid)
    {
        var failures = await Failures(Command(("date_of_birth", date)));

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
        Assert.Equal([(UserFields.Gender, RuleCodes.InvalidChoice)], await Failures(Command(("gender", gender))));

    [Fact]
    public async Task Fifty_emoji_in_the_description_are_fine_and_fifty_one_are_not()
    {
        Assert.Empty(await Failures(Command(("description", string.Concat(Enumerable.Repeat("😀", 50))))));
        Assert.Equal(
            [(User.DescriptionRule.Field, RuleCodes.MaxLength)],
            await Failures(Command(("description", string.Concat(Enumerable.Repeat("😀", 51))))));
    }

    [Fact]
    public async Task An_empty_website_is_fine() => Assert.Empty(await Failures(Command(("website", ""))));

    [Fact]
    public async Task Validating_twice_reports_the_same_failures_and_leaves_the_patch_as_parsed()
    {
        var command = Command(("username", "admin"), ("bio", "a\0b")) with { IsFullUpdate = true };
        var parsed = command.Patch.Violations.ToList();

        var first = await Failures(command);
        var second = await Failures(command);

        Assert.Equal([(UserFields.Username, RuleCodes.Reserved), (User.BioRule.Field, RuleCodes.NullCharactersNotAllowed)], first);
        Assert.Equal(first, second);
        Assert.Equal(parsed, command.Patch.Violations);
    }

    [Fact]
    public async Task Failures_are_validation_failures_with_the_field_as_property_name()
    {
        var result = await Validator().ValidateAsync(Command(("gender", "x")));

        var failure = Assert.IsType<ValidationFailure>(Assert.Single(result.Errors));
        Assert.Equal(UserFields.Gender, failure.PropertyName);
    }

    [Fact]
    public async Task A_full_update_without_username_fails_with_required()
    {
        var failures = await Failures(Command(("bio", "only a bio")) with { IsFullUpdate = true });

        Assert.Equal([(UserFields.Username, RuleCodes.Required)], failures);
    }

    [Fact]
    public async Task A_full_update_with_an_invalid_username_reports_the_username_once()
    {
        var failures = await Failures(Command(("username", "")) with { IsFullUpdate = true });

        Assert.Equal([(UserFields.Username, RuleCodes.Blank)], failures);
    }

    [Fact]
    public async Task A_full_update_with_username_passes()
    {
        var failures = await Failures(Command(("username", "alice")) with { IsFullUpdate = true });

        Assert.Empty(failures);
    }

    [Fact]
    public async Task A_partial_update_without_username_passes()
    {
        var failures = await Failures(Command(("bio", "only a bio")));

        Assert.Empty(failures);
    }

    [Fact]
    public async Task A_reserved_name_the_user_already_holds_can_be_sent_back()
    {
        StoredAlice(username: "admin");

        Assert.Empty(await Failures(Command(("username", "admin"))));
        Assert.Empty(await Failures(Command(("username", "Admin"))));
    }

    [Fact]
    public async Task A_reserved_name_the_user_holds_is_still_checked_forUniqueness_once()
    {
        StoredAlice(username: "admin");
        Taken();

        Assert.Equal([(UserFields.Username, RuleCodes.Unique)], await Failures(Command(("username", "Admin"))));
        Assert.Single(Uniqueness.ReceivedCalls());
    }

    [Fact]
    public async Task A_reserved_name_someone_else_would_take_is_still_reserved_and_not_looked_up()
    {
        StoredAlice();

        Assert.Equal([(UserFields.Username, RuleCodes.Reserved)], await Failures(Command(("username", "admin"))));
        await Uniqueness.DidNotReceiveWithAnyArgs().GetFactsAsync(default!, default, default, default);
    }

    [Fact]
    public async Task The_stored_user_is_read_once_however_many_rules_need_it()
    {
        StoredAlice(username: "admin", avatar: "avatars/a.jpg", cover: "covers/c.jpg");

        Assert.Empty(await Failures(Command(
            ("username", "admin"), ("avatar", MediaBase + "avatars/a.jpg"), ("cover", MediaBase + "covers/c.jpg"))));

        await Users.Received(1).GetStoredKeysAsync(AliceId, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task An_image_text_other_than_the_current_url_is_reported_with_the_other_fields()
    {
        StoredAlice(avatar: "avatars/a.jpg");

        var failures = await Failures(Command(
            ("bio", new string('x', 5001)), ("avatar", MediaBase + "avatars/a.jpg"), ("cover", "https://elsewhere.example/c.jpg")));

        Assert.Equal([(User.BioRule.Field, RuleCodes.MaxLength), (UserFields.Cover, RuleCodes.Invalid)], failures);
    }

    [Theory]
    [InlineData("https://cdn.example/media/avatars/someone-else.jpg")]
    [InlineData(AvatarKey)] // the storage key is not what clients read
    [InlineData("data:image/png;base64,iVBORw0KGgo=")] // base64 goes in avatar_base64
    [InlineData("hello")]
    public async Task Any_avatar_text_but_the_current_url_is_invalid(string avatar)
    {
        StoredAlice(avatar: AvatarKey, cover: CoverKey);

        Assert.Equal([(UserFields.Avatar, RuleCodes.Invalid)], await Failures(Command(("avatar", avatar))));
        await Images.DidNotReceiveWithAnyArgs().InspectAsync(default!, default, default);
    }

    [Fact]
    public async Task Avatar_text_when_there_is_no_avatar_is_invalid()
    {
        StoredAlice();

        Assert.Equal([(UserFields.Avatar, RuleCodes.Invalid)], await Failures(Command(("avatar", MediaBase + "x.jpg"))));
    }

    [Fact]
    public async Task The_current_cover_url_with_spaces_around_it_is_fine()
    {
        StoredAlice(avatar: AvatarKey, cover: CoverKey);

        Assert.Empty(await Failures(Command(("cover", " " + MediaBase + CoverKey + " "))));
    }

    [Fact]
    public async Task The_avatar_url_sent_as_the_cover_is_invalid_for_the_cover_field()
    {
        StoredAlice(avatar: AvatarKey, cover: CoverKey);

        var failure = Assert.Single((await Validator().ValidateAsync(Command(("cover", MediaBase + AvatarKey)))).Errors);

        Assert.Equal((UserFields.Cover, RuleCodes.Invalid), (failure.PropertyName, failure.ErrorCode));
        Assert.Equal("Send a file (multipart) or cover_base64 to change the image; this value is neither.", failure.ErrorMessage);
    }

    [Fact]
    public async Task Image_text_for_a_user_that_does_not_exist_is_left_to_the_handler()
    {
        // GetStoredKeysAsync gives null: the handler answers 404, which says more than an image error.
        Assert.Empty(await Failures(Command(("avatar", "https://elsewhere.example/a.jpg"))));
    }

    [Fact]
    public async Task An_upload_is_inspected_and_its_violation_names_the_field_it_came_in()
    {
        using var cancellation = new CancellationTokenSource();
        var upload = ImageUpload.FromBytes([1, 2, 3]);
        Images.InspectAsync(upload, ImageKind.Avatar, cancellation.Token).Returns(ImageRules.TooManyPixels(20_000, 20_000));
        var command = Command([("avatar", upload)], ("bio", "x"));

        var result = await Validator().ValidateAsync(command, cancellation.Token);

        var failure = Assert.Single(result.Errors);
        Assert.Equal((UserFields.Avatar, ImageRules.ImageTooLarge), (failure.PropertyName, failure.ErrorCode));
        await Images.Received(1).InspectAsync(upload, ImageKind.Avatar, cancellation.Token);
        await Images.DidNotReceiveWithAnyArgs().ProcessAsync(default!, default, default);
    }

    [Fact]
    public async Task Base64_is_inspected_as_its_decoded_bytes_under_its_own_field()
    {
        byte[]? inspected = null;
        Images.InspectAsync(Arg.Any<ImageUpload>(), ImageKind.Cover, Arg.Any<CancellationToken>()).Returns(async call =>
        {
            inspected = await call.Arg<ImageUpload>().ReadAllBytesAsync(CancellationToken.None);
            return (RuleViolation?)ImageRules.NotAnImage("not an image format");
        });

        Assert.Equal(
            [(UserFields.CoverBase64, ImageRules.InvalidImage)],
            await Failures(Command(("cover_base64", "data:image/png;base64,AAECAw=="))));
        Assert.Equal([0, 1, 2, 3], inspected);
    }

    [Fact]
    public async Task An_upload_that_passes_inspection_has_no_failures() =>
        Assert.Empty(await Failures(Command([("cover", ImageUpload.FromBytes([1]))])));

    [Theory]
    [InlineData("data:image/png;base64,not base64!")]
    [InlineData("image/png,AAEC")]
    public async Task Base64_that_is_not_base64_is_reported_once_without_inspection(string text)
    {
        Assert.Equal([(UserFields.AvatarBase64, ImageRules.InvalidImage)], await Failures(Command(("avatar_base64", text))));

        await Images.DidNotReceiveWithAnyArgs().InspectAsync(default!, default, default);
    }

    [Fact]
    public async Task A_file_and_base64_for_the_same_image_are_refused_on_the_base64_field()
    {
        Assert.Equal(
            [(UserFields.CoverBase64, RuleCodes.Invalid)],
            await Failures(Command([("cover", ImageUpload.FromBytes([1]))], ("cover_base64", "image/png;base64,AAEC"))));

        await Images.DidNotReceiveWithAnyArgs().InspectAsync(default!, default, default);
    }

    [Fact]
    public async Task Removing_an_image_needs_no_inspection_and_no_stored_user()
    {
        Assert.Empty(await Failures(Command(("avatar", ""), ("cover_base64", null))));

        Assert.Empty(Images.ReceivedCalls());
        Assert.Empty(Users.ReceivedCalls());
    }

    [Fact]
    public async Task A_name_that_looks_like_another_users_is_reported_as_unique_similar()
    {
        Facts(free => free with { LooksLikeAnother = true });

        var failure = Assert.Single((await Validator().ValidateAsync(Command(("username", "a1ice_2")))).Errors);

        Assert.Equal((UserFields.Username, RuleCodes.Unique, "A user with a similar username already exists."),
            (failure.PropertyName, failure.ErrorCode, failure.ErrorMessage));
    }

    [Fact]
    public async Task Within_the_cooldown_a_user_is_refused_a_rename_but_the_system_principal_is_not()
    {
        Policy = new UsernamePolicy(TimeSpan.FromDays(7), TimeSpan.FromDays(30), refuseLookAlikes: true);
        Facts(free => free with { LastRenamedAt = Now.AddDays(-1) });

        Assert.Equal([(UserFields.Username, RuleCodes.UsernameChangeTooSoon)], await Failures(Command(("username", "bob"))));

        Caller.ActAs(Application.Common.Security.Caller.System);
        Assert.Empty(await Failures(Command(("username", "bob"))));
    }
}
