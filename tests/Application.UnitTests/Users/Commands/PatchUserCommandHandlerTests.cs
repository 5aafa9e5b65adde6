using CleanUser.Application.Common.Exceptions;
using CleanUser.Application.UnitTests.Support;
using CleanUser.Application.Users;
using CleanUser.Application.Users.Commands.PatchUser;
using CleanUser.Domain.Common;
using CleanUser.Domain.Users;
using CleanUser.Domain.Users.Events;
using CleanUser.Tests.Support;
using NSubstitute;
using static CleanUser.Application.UnitTests.Support.TestDoubles;
using Full = CleanUser.Tests.Support.UserBuilder.Full;

namespace CleanUser.Application.UnitTests.Users.Commands;

/// <summary>
/// The handler runs after the validator: it loads the user (404, 412), hands the aggregate the values the patch
/// already holds, saves and maps. Every field rule is the patch's or the validator's; the handler checks none again.
/// The image path is in <see cref="PatchUserImageHandlerTests"/>.
/// </summary>
public class PatchUserCommandHandlerTests : PatchUserTestBase
{
    private Task<UserDto> Patch(PatchUserCommand command) => Handler().Handle(command, CancellationToken.None);

    private string? Stored(string image) => image == "avatar" ? Alice.Avatar : Alice.Cover;

    private static string? Shown(UserDto dto, string image) => image == "avatar" ? dto.Avatar : dto.Cover;

    [Fact]
    public async Task A_patch_changes_only_the_fields_present()
    {
        Alice = FilledInAlice();
        var before = UserSnapshot.Of(Alice);

        await Patch(Command(("bio", "Changed.")));

        Assert.Equal(before with { Bio = "Changed." }, UserSnapshot.Of(Alice));
        Assert.Empty(Alice.DomainEvents);
    }

    [Fact]
    public async Task An_empty_patch_is_a_no_op_that_still_saves_and_returns_the_user()
    {
        Alice = FilledInAlice();

        var dto = await Patch(new PatchUserCommand(AliceId, ProfilePatch.Empty));

        Assert.Equal(Full.RealName, dto.RealName);
        Assert.Equal("alice", Alice.Username.Value);
        Assert.Empty(Alice.DomainEvents);
        await UnitOfWork.Received(1).SaveChangesAsync(Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Every_field_present_is_set()
    {
        await Patch(Command(
            ("username", "alice_l"),
            ("real_name", "  Alice Liddell "),
            ("bio", "Line one\nLine two"),
            ("location", "Oxford"),
            ("location_lat_lng", "51.752, -1.2577"),
            ("position_lat_lng", "-0,0"),
            ("date_of_birth", "1990-05-04"),
            ("description", "Explorer"),
            ("gender", "FEMALE"),
            ("website", "https://alice.example")));

        Assert.Equal("alice_l", Alice.Username.Value);
        Assert.Equal("Alice Liddell", Alice.RealName);
        Assert.Equal("Line one\nLine two", Alice.Bio);
        Assert.Equal("Oxford", Alice.Location);
        Assert.Equal("51.752,-1.2577", Alice.LocationLatLng!.ToString());
        Assert.Equal("0,0", Alice.PositionLatLng!.ToString());
        Assert.Equal(new DateOnly(1990, 5, 4), Alice.DateOfBirth);
        Assert.Equal("Explorer", Alice.Description);
        Assert.Equal(Gender.Female, Alice.Gender);
        Assert.Equal("https://alice.example", Alice.Website);
    }

    [Fact]
    public async Task Null_resets_every_field_to_its_default()
    {
        Alice = FilledInAlice();
        var before = UserSnapshot.Of(Alice);

        await Patch(Command(
            ("real_name", null), ("bio", null), ("location", null), ("location_lat_lng", null), ("position_lat_lng", null),
            ("date_of_birth", null), ("description", null), ("gender", null), ("website", null)));

        Assert.Equal(before.WithDefaultProfile(), UserSnapshot.Of(Alice));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Empty_text_clears_the_date_of_birth_and_the_coordinates(string empty)
    {
        Alice = FilledInAlice();

        await Patch(Command(("date_of_birth", empty), ("location_lat_lng", empty), ("position_lat_lng", empty)));

        Assert.Null(Alice.DateOfBirth);
        Assert.Null(Alice.LocationLatLng);
        Assert.Null(Alice.PositionLatLng);
    }

    [Fact]
    public async Task Empty_text_clears_the_text_fields_and_the_website()
    {
        Alice = FilledInAlice();

        await Patch(Command(("real_name", ""), ("bio", ""), ("location", ""), ("description", ""), ("website", "")));

        Assert.Equal(string.Empty, Alice.RealName);
        Assert.Equal(string.Empty, Alice.Bio);
        Assert.Equal(string.Empty, Alice.Location);
        Assert.Equal(string.Empty, Alice.Description);
        Assert.Equal(string.Empty, Alice.Website);
    }

    [Fact]
    public async Task The_username_is_set_trimmed()
    {
        await Patch(Command(("username", " bob ")));

        Assert.Equal("bob", Alice.Username.Value);
    }

    [Fact]
    public async Task Changing_only_the_case_of_the_username_is_a_rename()
    {
        var dto = await Patch(Command(("username", "Alice")));

        Assert.Equal("Alice", dto.Username);
        Assert.Equal("Alice", Alice.Username.Value);
    }

    /// <summary>
    /// Reserved names, uniqueness, today's date and image inspection need context the validator has already
    /// consulted; the handler applies what the patch holds and asks no port about it again.
    /// </summary>
    [Fact]
    public async Task The_handler_applies_the_parsed_values_without_checking_any_rule_again()
    {
        var command = Command(("username", "admin"), ("date_of_birth", "2999-01-01"), ("bio", "x"));
        Assert.Empty(command.Patch.Violations);

        await Patch(command);

        Assert.Equal("admin", Alice.Username.Value);
        Assert.Equal(new DateOnly(2999, 1, 1), Alice.DateOfBirth);
        Assert.Equal("x", Alice.Bio);
        await Users.DidNotReceiveWithAnyArgs().GetStoredKeysAsync(default, default);
        await Images.DidNotReceiveWithAnyArgs().InspectAsync(default!, default, default);
        await UnitOfWork.Received(1).SaveChangesAsync(Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task The_user_is_loaded_once_and_the_name_given_up_is_held_for_her()
    {
        await Patch(Command(("username", "bob"), ("bio", "x"), ("avatar", null)));

        await Users.Received(1).GetByIdAsync(AliceId, Arg.Any<CancellationToken>());
        await Users.Received(1).HoldReleasedUsernameAsync(
            Arg.Is<ReleasedUsername>(r => r.NormalizedUsername == "alice" && r.FormerHolderId == Alice.Id && r.HeldUntil == Now.AddDays(30)),
            Now, Arg.Any<CancellationToken>());
        Assert.Equal(2, Users.ReceivedCalls().Count());
    }

    [Fact]
    public async Task An_unknown_user_is_not_found_and_nothing_is_saved()
    {
        var exception = await Assert.ThrowsAsync<NotFoundException>(() =>
            Patch(new PatchUserCommand(999, ProfilePatch.Of(("bio", "x")))));

        Assert.Equal("user", exception.Resource);
        Assert.Equal(999L, exception.Key);
        AssertNothingSaved();
    }

    [Fact]
    public async Task Without_expected_versions_any_version_is_changed()
    {
        await Patch(Command(("bio", "x")) with { ExpectedVersions = null });

        Assert.Equal("x", Alice.Bio);
    }

    [Fact]
    public async Task The_current_version_among_the_expected_ones_is_changed()
    {
        await Patch(Command(("bio", "x")) with { ExpectedVersions = [41, Alice.Version] });

        Assert.Equal("x", Alice.Bio);
        await UnitOfWork.Received(1).SaveChangesAsync(Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task A_stale_version_is_a_failed_precondition_and_nothing_changes()
    {
        await Assert.ThrowsAsync<PreconditionFailedException>(() =>
            Patch(Command(("bio", "x")) with { ExpectedVersions = [Alice.Version + 1] }));

        Assert.Equal(string.Empty, Alice.Bio);
        AssertNothingSaved();
    }

    [Fact]
    public async Task An_empty_set_of_expected_versions_matches_nothing()
    {
        await Assert.ThrowsAsync<PreconditionFailedException>(() => Patch(Command(("bio", "x")) with { ExpectedVersions = [] }));

        AssertNothingSaved();
    }

    [Fact]
    public async Task A_date_of_birth_of_today_is_set()
    {
        await Patch(Command(("date_of_birth", "2025-06-07")));

        Assert.Equal(Today, Alice.DateOfBirth);
    }

    [Theory]
    [InlineData("avatar", null)]
    [InlineData("avatar", "")]
    [InlineData("avatar", "  ")]
    [InlineData("cover", null)]
    [InlineData("cover", "")]
    public async Task Null_or_empty_image_text_removes_the_image_and_raises_an_event(string image, string? text)
    {
        Alice = FilledInAlice();

        var dto = await Patch(Command((image, text)));

        Assert.Equal((null, null), (Stored(image), Shown(dto, image)));
        IDomainEvent removed = image == "avatar"
            ? new UserAvatarChanged(Alice.Id, AvatarKey, null, Now)
            : new UserCoverChanged(Alice.Id, CoverKey, null, Now);
        Assert.Equal(removed, Assert.Single(Alice.DomainEvents));
        await UnitOfWork.Received(1).SaveChangesAsync(Arg.Any<CancellationToken>());
        Assert.Empty(Storage.ReceivedCalls()); // the old file goes after commit, through the event
    }

    [Fact]
    public async Task Null_avatar_when_there_is_none_raises_nothing()
    {
        await Patch(Command(("avatar", null)));

        Assert.Null(Alice.Avatar);
        Assert.Empty(Alice.DomainEvents);
    }

    [Theory]
    [InlineData("avatar", MediaBase + AvatarKey, AvatarKey)]
    [InlineData("cover", " " + MediaBase + CoverKey + " ", CoverKey)]
    public async Task Image_text_equal_to_the_current_public_url_changes_nothing(string image, string text, string key)
    {
        Alice = FilledInAlice();

        var dto = await Patch(Command((image, text)));

        Assert.Equal((key, MediaBase + key), (Stored(image), Shown(dto, image)));
        Assert.Empty(Alice.DomainEvents);
        Assert.Empty(Storage.ReceivedCalls());
    }

    [Theory]
    [InlineData("blocked", "bio", RuleCodes.AccountBlocked)]
    [InlineData("deleted", "bio", RuleCodes.AccountDeleted)]
    [InlineData("blocked", "username", RuleCodes.AccountBlocked)] // not even renamed
    public async Task A_blocked_or_deleted_user_cannot_be_patched_and_nothing_is_saved(string state, string field, string code)
    {
        if (state == "blocked")
        {
            Alice.Block();
        }
        else
        {
            Alice.MarkDeleted();
        }

        var before = UserSnapshot.Of(Alice);

        var exception = await Assert.ThrowsAsync<AccountNotEditableException>(() => Patch(Command((field, "bob"))));

        Assert.Equal(code, exception.Violation.Code);
        Assert.Equal(before, UserSnapshot.Of(Alice));
        AssertNothingSaved();
    }

    [Fact]
    public async Task A_successful_patch_loads_and_saves_once_with_the_callers_cancellation_token()
    {
        using var cancellation = new CancellationTokenSource();

        await Handler().Handle(Command(("bio", "x"), ("username", "bob")), cancellation.Token);

        await Users.Received(1).GetByIdAsync(AliceId, cancellation.Token);
        await UnitOfWork.Received(1).SaveChangesAsync(cancellation.Token);
    }

    [Fact]
    public async Task The_returned_user_reflects_the_changes()
    {
        Alice = FilledInAlice();

        var dto = await Patch(Command(
            ("username", "Alice"), ("bio", "New bio"), ("gender", "male"), ("location_lat_lng", "1.50, 2.25"),
            ("date_of_birth", null), ("avatar", null)));

        Assert.Equal("Alice", dto.Username);
        Assert.Equal("New bio", dto.Bio);
        Assert.Equal("Male", dto.Gender);
        Assert.Equal("1.5,2.25", dto.LocationLatLng);
        Assert.Equal(Full.PositionLatLng, dto.PositionLatLng);
        Assert.Null(dto.DateOfBirth);
        Assert.Null(dto.Avatar);
        Assert.Equal(MediaBase + CoverKey, dto.Cover);
        Assert.Equal(Full.RealName, dto.RealName);
        Assert.Equal(Joined.UtcDateTime, dto.DateJoined);
    }

    [Fact]
    public async Task The_user_is_saved_after_every_change_is_applied()
    {
        Alice = FilledInAlice();
        string? usernameWhenSaved = null;
        string? bioWhenSaved = null;
        string? avatarWhenSaved = "not saved";
        UnitOfWork.When(u => u.SaveChangesAsync(Arg.Any<CancellationToken>())).Do(_ =>
        {
            usernameWhenSaved = Alice.Username.Value;
            bioWhenSaved = Alice.Bio;
            avatarWhenSaved = Alice.Avatar;
        });

        await Patch(Command(("username", "bob"), ("bio", "Saved bio"), ("avatar", null)));

        Assert.Equal("bob", usernameWhenSaved);
        Assert.Equal("Saved bio", bioWhenSaved);
        Assert.Null(avatarWhenSaved);
    }

    [Fact]
    public async Task A_null_command_is_refused() =>
        await Assert.ThrowsAsync<ArgumentNullException>(() => Handler().Handle(null!, CancellationToken.None));
}
