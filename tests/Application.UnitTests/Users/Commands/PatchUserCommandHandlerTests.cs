using CleanUser.Application.Common.Exceptions;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.UnitTests.Support;
using CleanUser.Application.Users;
using CleanUser.Application.Users.Commands.PatchUser;
using CleanUser.Domain.Common;
using CleanUser.Domain.Users;
using CleanUser.Domain.Users.Events;
using NSubstitute;
using static CleanUser.Application.UnitTests.Support.TestDoubles;

namespace CleanUser.Application.UnitTests.Users.Commands;

/// <summary>
/// The handler runs after the validator: it loads the user (404, 412), hands the aggregate the values the patch
/// already holds, saves and maps. Every field rule is the patch's or the validator's; the handler checks none again.
/// The image path is in <see cref="PatchUserImageHandlerTests"/>.
/// </summary>
public class PatchUserCommandHandlerTests
{
    private readonly IUserRepository _users = Substitute.For<IUserRepository>();
    private readonly IUnitOfWork _unitOfWork = Substitute.For<IUnitOfWork>();
    private readonly IImageProcessor _images = Substitute.For<IImageProcessor>();
    private readonly IMediaStorage _storage = Substitute.For<IMediaStorage>();
    private readonly IMediaUrls _mediaUrls = MediaUrls();
    private User _alice = Alice();

    public PatchUserCommandHandlerTests() =>
        _users.GetByIdAsync(AliceId, Arg.Any<CancellationToken>()).Returns(_ => Task.FromResult<User?>(_alice));

    private PatchUserCommandHandler Handler() => new(_users, _unitOfWork, _images, _storage, Clock(), Mapper(_mediaUrls));

    private Task<UserDto> Patch(PatchUserCommand command) => Handler().Handle(command, CancellationToken.None);

    private void FillInAlice() => _alice = FilledInAlice();

    private void AssertNothingSaved() => _unitOfWork.DidNotReceiveWithAnyArgs().SaveChangesAsync(default);

    [Fact]
    public async Task A_patch_changes_only_the_fields_present()
    {
        FillInAlice();

        await Patch(Command(("bio", "Changed.")));

        Assert.Equal("Changed.", _alice.Bio);
        Assert.Equal("alice", _alice.Username.Value);
        Assert.Equal("Alice Liddell", _alice.RealName);
        Assert.Equal("Milan", _alice.Location);
        Assert.Equal("45.4642,9.19", _alice.LocationLatLng!.ToString());
        Assert.Equal("41.9,12.5", _alice.PositionLatLng!.ToString());
        Assert.Equal(new DateOnly(1990, 5, 4), _alice.DateOfBirth);
        Assert.Equal("Explorer", _alice.Description);
        Assert.Equal(Gender.Female, _alice.Gender);
        Assert.Equal("https://alice.example", _alice.Website);
        Assert.Equal(AvatarKey, _alice.Avatar);
        Assert.Equal(CoverKey, _alice.Cover);
        Assert.Empty(_alice.DomainEvents);
    }

    [Fact]
    public async Task An_empty_patch_is_a_no_op_that_still_saves_and_returns_the_user()
    {
        FillInAlice();

        var dto = await Patch(new PatchUserCommand(AliceId, ProfilePatch.Empty));

        Assert.Equal("Alice Liddell", dto.RealName);
        Assert.Equal("alice", _alice.Username.Value);
        Assert.Empty(_alice.DomainEvents);
        await _unitOfWork.Received(1).SaveChangesAsync(Arg.Any<CancellationToken>());
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

        Assert.Equal("alice_l", _alice.Username.Value);
        Assert.Equal("Alice Liddell", _alice.RealName);
        Assert.Equal("Line one\nLine two", _alice.Bio);
        Assert.Equal("Oxford", _alice.Location);
        Assert.Equal("51.752,-1.2577", _alice.LocationLatLng!.ToString());
        Assert.Equal("0,0", _alice.PositionLatLng!.ToString());
        Assert.Equal(new DateOnly(1990, 5, 4), _alice.DateOfBirth);
        Assert.Equal("Explorer", _alice.Description);
        Assert.Equal(Gender.Female, _alice.Gender);
        Assert.Equal("https://alice.example", _alice.Website);
    }

    [Fact]
    public async Task Null_resets_every_field_to_its_default()
    {
        FillInAlice();

        await Patch(Command(
            ("real_name", null), ("bio", null), ("location", null), ("location_lat_lng", null), ("position_lat_lng", null),
            ("date_of_birth", null), ("description", null), ("gender", null), ("website", null)));

        Assert.Equal(string.Empty, _alice.RealName);
        Assert.Equal(string.Empty, _alice.Bio);
        Assert.Equal(string.Empty, _alice.Location);
        Assert.Null(_alice.LocationLatLng);
        Assert.Null(_alice.PositionLatLng);
        Assert.Null(_alice.DateOfBirth);
        Assert.Equal(string.Empty, _alice.Description);
        Assert.Equal(Gender.Unspecified, _alice.Gender);
        Assert.Equal(string.Empty, _alice.Website);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Empty_text_clears_the_date_of_birth_and_the_coordinates(string empty)
    {
        FillInAlice();

        await Patch(Command(("date_of_birth", empty), ("location_lat_lng", empty), ("position_lat_lng", empty)));

        Assert.Null(_alice.DateOfBirth);
        Assert.Null(_alice.LocationLatLng);
        Assert.Null(_alice.PositionLatLng);
    }

    [Fact]
    public async Task Empty_text_clears_the_text_fields_and_the_website()
    {
        FillInAlice();

        await Patch(Command(("real_name", ""), ("bio", ""), ("location", ""), ("description", ""), ("website", "")));

        Assert.Equal(string.Empty, _alice.RealName);
        Assert.Equal(string.Empty, _alice.Bio);
        Assert.Equal(string.Empty, _alice.Location);
        Assert.Equal(string.Empty, _alice.Description);
        Assert.Equal(string.Empty, _alice.Website);
    }

    [Fact]
    public async Task The_username_is_set_trimmed()
    {
        await Patch(Command(("username", " bob ")));

        Assert.Equal("bob", _alice.Username.Value);
    }

    [Fact]
    public async Task Changing_only_the_case_of_the_username_is_a_rename()
    {
        var dto = await Patch(Command(("username", "Alice")));

        Assert.Equal("Alice", dto.Username);
        Assert.Equal("Alice", _alice.Username.Value);
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

        Assert.Equal("admin", _alice.Username.Value);
        Assert.Equal(new DateOnly(2999, 1, 1), _alice.DateOfBirth);
        Assert.Equal("x", _alice.Bio);
        await _users.DidNotReceiveWithAnyArgs().GetStoredKeysAsync(default, default);
        await _images.DidNotReceiveWithAnyArgs().InspectAsync(default!, default, default);
        await _unitOfWork.Received(1).SaveChangesAsync(Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task The_user_is_loaded_once()
    {
        await Patch(Command(("username", "bob"), ("bio", "x"), ("avatar", null)));

        await _users.Received(1).GetByIdAsync(AliceId, Arg.Any<CancellationToken>());
        Assert.Single(_users.ReceivedCalls());
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

        Assert.Equal("x", _alice.Bio);
    }

    [Fact]
    public async Task The_current_version_among_the_expected_ones_is_changed()
    {
        await Patch(Command(("bio", "x")) with { ExpectedVersions = [41, _alice.Version] });

        Assert.Equal("x", _alice.Bio);
        await _unitOfWork.Received(1).SaveChangesAsync(Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task A_stale_version_is_a_failed_precondition_and_nothing_changes()
    {
        await Assert.ThrowsAsync<PreconditionFailedException>(() =>
            Patch(Command(("bio", "x")) with { ExpectedVersions = [_alice.Version + 1] }));

        Assert.Equal(string.Empty, _alice.Bio);
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

        Assert.Equal(Today, _alice.DateOfBirth);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public async Task Null_or_empty_avatar_removes_it_and_raises_an_event(string? avatar)
    {
        FillInAlice();

        var dto = await Patch(Command(("avatar", avatar)));

        Assert.Null(_alice.Avatar);
        Assert.Null(dto.Avatar);
        Assert.Equal(new UserAvatarChanged(_alice.Id, AvatarKey, null, Now), Assert.Single(_alice.DomainEvents));
        await _unitOfWork.Received(1).SaveChangesAsync(Arg.Any<CancellationToken>());
        Assert.Empty(_storage.ReceivedCalls()); // the old file goes after commit, through the event
    }

    [Fact]
    public async Task Null_avatar_when_there_is_none_raises_nothing()
    {
        await Patch(Command(("avatar", null)));

        Assert.Null(_alice.Avatar);
        Assert.Empty(_alice.DomainEvents);
    }

    [Fact]
    public async Task Avatar_equal_to_the_current_public_url_changes_nothing()
    {
        FillInAlice();

        var dto = await Patch(Command(("avatar", MediaBase + AvatarKey)));

        Assert.Equal(AvatarKey, _alice.Avatar);
        Assert.Equal(MediaBase + AvatarKey, dto.Avatar);
        Assert.Empty(_alice.DomainEvents);
        Assert.Empty(_storage.ReceivedCalls());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task Null_or_empty_cover_removes_it_and_raises_an_event(string? cover)
    {
        FillInAlice();

        var dto = await Patch(Command(("cover", cover)));

        Assert.Null(_alice.Cover);
        Assert.Null(dto.Cover);
        Assert.Equal(new UserCoverChanged(_alice.Id, CoverKey, null, Now), Assert.Single(_alice.DomainEvents));
    }

    [Fact]
    public async Task Cover_equal_to_the_current_public_url_changes_nothing()
    {
        FillInAlice();

        await Patch(Command(("cover", " " + MediaBase + CoverKey + " ")));

        Assert.Equal(CoverKey, _alice.Cover);
        Assert.Empty(_alice.DomainEvents);
    }

    [Fact]
    public async Task A_blocked_user_cannot_be_patched_and_nothing_is_saved()
    {
        _alice.Block();

        var exception = await Assert.ThrowsAsync<AccountNotEditableException>(() => Patch(Command(("bio", "x"))));

        Assert.Equal(RuleCodes.AccountBlocked, exception.Violation.Code);
        AssertNothingSaved();
    }

    [Fact]
    public async Task A_deleted_user_cannot_be_patched_and_nothing_is_saved()
    {
        _alice.MarkDeleted();

        var exception = await Assert.ThrowsAsync<AccountNotEditableException>(() => Patch(Command(("bio", "x"))));

        Assert.Equal(RuleCodes.AccountDeleted, exception.Violation.Code);
        AssertNothingSaved();
    }

    [Fact]
    public async Task A_blocked_user_cannot_be_renamed_either()
    {
        _alice.Block();

        await Assert.ThrowsAsync<AccountNotEditableException>(() => Patch(Command(("username", "bob"))));

        Assert.Equal("alice", _alice.Username.Value);
        AssertNothingSaved();
    }

    [Fact]
    public async Task A_successful_patch_loads_and_saves_once_with_the_callers_cancellation_token()
    {
        using var cancellation = new CancellationTokenSource();

        await Handler().Handle(Command(("bio", "x"), ("username", "bob")), cancellation.Token);

        await _users.Received(1).GetByIdAsync(AliceId, cancellation.Token);
        await _unitOfWork.Received(1).SaveChangesAsync(cancellation.Token);
    }

    [Fact]
    public async Task The_returned_user_reflects_the_changes()
    {
        FillInAlice();

        var dto = await Patch(Command(
            ("username", "Alice"), ("bio", "New bio"), ("gender", "male"), ("location_lat_lng", "1.50, 2.25"),
            ("date_of_birth", null), ("avatar", null)));

        Assert.Equal("Alice", dto.Username);
        Assert.Equal("New bio", dto.Bio);
        Assert.Equal("Male", dto.Gender);
        Assert.Equal("1.5,2.25", dto.LocationLatLng);
        Assert.Equal("41.9,12.5", dto.PositionLatLng);
        Assert.Null(dto.DateOfBirth);
        Assert.Null(dto.Avatar);
        Assert.Equal(MediaBase + CoverKey, dto.Cover);
        Assert.Equal("Alice Liddell", dto.RealName);
        Assert.Equal(Joined.UtcDateTime, dto.DateJoined);
    }

    [Fact]
    public async Task The_user_is_saved_after_every_change_is_applied()
    {
        FillInAlice();
        string? usernameWhenSaved = null;
        string? bioWhenSaved = null;
        string? avatarWhenSaved = "not saved";
        _unitOfWork.When(u => u.SaveChangesAsync(Arg.Any<CancellationToken>())).Do(_ =>
        {
            usernameWhenSaved = _alice.Username.Value;
            bioWhenSaved = _alice.Bio;
            avatarWhenSaved = _alice.Avatar;
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
