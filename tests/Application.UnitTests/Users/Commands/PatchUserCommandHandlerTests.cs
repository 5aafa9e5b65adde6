using CleanUser.Application.Common.Exceptions;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.UnitTests.Support;
using CleanUser.Application.Users;
using CleanUser.Application.Users.Commands.PatchUser;
using CleanUser.Domain.Common;
using CleanUser.Domain.Users;
using CleanUser.Domain.Users.Events;
using NSubstitute;

namespace CleanUser.Application.UnitTests.Users.Commands;

public class PatchUserCommandHandlerTests
{
    private const string AvatarKey = "avatars/alice.jpg";
    private const string CoverKey = "covers/alice.jpg";

    private readonly IUserRepository _users = Substitute.For<IUserRepository>();
    private readonly IUsernameUniquenessChecker _uniqueness = Substitute.For<IUsernameUniquenessChecker>();
    private readonly IUnitOfWork _unitOfWork = Substitute.For<IUnitOfWork>();
    private readonly IClock _clock = TestDoubles.Clock();
    private readonly IMediaUrls _mediaUrls = TestDoubles.MediaUrls();
    private readonly User _alice = TestDoubles.Alice();

    public PatchUserCommandHandlerTests() =>
        _users.GetByIdAsync(TestDoubles.AliceId, Arg.Any<CancellationToken>()).Returns(Task.FromResult<User?>(_alice));

    private PatchUserCommandHandler Handler() =>
        new(new UserProfileEditor(_users, _uniqueness, ReservedUsernames.Default, _clock, _mediaUrls,
                Substitute.For<IImageProcessor>(), Substitute.For<IMediaStorage>(), _unitOfWork), _unitOfWork,
            TestDoubles.Mapper(_mediaUrls));

    private Task<UserDto> Patch(PatchUserCommand command) => Handler().Handle(command, CancellationToken.None);

    private static PatchUserCommand Command() => new(TestDoubles.AliceId);

    private void FillInAlice()
    {
        _alice.UpdateProfile(new ProfileChanges
        {
            RealName = "Alice Liddell",
            Bio = "Curious.",
            Location = "Milan",
            LocationLatLng = GeoPoint.Parse("45.4642,9.19", UserFields.LocationLatLng),
            PositionLatLng = GeoPoint.Parse("41.9,12.5", UserFields.PositionLatLng),
            DateOfBirth = new DateOnly(1990, 5, 4),
            Description = "Explorer",
            Gender = Gender.Female,
            Website = "https://alice.example",
        });
        _alice.ChangeAvatar(AvatarKey, TestDoubles.Joined);
        _alice.ChangeCover(CoverKey, TestDoubles.Joined);
        _alice.ClearDomainEvents();
    }

    private void AssertNothingSaved() => _unitOfWork.DidNotReceiveWithAnyArgs().SaveChangesAsync(default);

    [Fact]
    public async Task A_patch_changes_only_the_fields_present()
    {
        FillInAlice();

        await Patch(Command() with { Bio = "Changed." });

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

        var dto = await Patch(Command());

        Assert.Equal("Alice Liddell", dto.RealName);
        Assert.Empty(_alice.DomainEvents);
        await _unitOfWork.Received(1).SaveChangesAsync(Arg.Any<CancellationToken>());
        await _uniqueness.DidNotReceiveWithAnyArgs().IsTakenByAnotherUserAsync(default!, default, default);
    }

    [Fact]
    public async Task Every_field_present_is_set()
    {
        await Patch(Command() with
        {
            Username = "alice_l",
            RealName = "  Alice Liddell ",
            Bio = "Line one\nLine two",
            Location = "Oxford",
            LocationLatLng = "51.752, -1.2577",
            PositionLatLng = "-0,0",
            DateOfBirth = "1990-05-04",
            Description = "Explorer",
            Gender = "FEMALE",
            Website = "https://alice.example",
        });

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

        await Patch(Command() with
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
        });

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

        await Patch(Command() with { DateOfBirth = empty, LocationLatLng = empty, PositionLatLng = empty });

        Assert.Null(_alice.DateOfBirth);
        Assert.Null(_alice.LocationLatLng);
        Assert.Null(_alice.PositionLatLng);
    }

    [Fact]
    public async Task Empty_text_clears_the_text_fields_and_the_website()
    {
        FillInAlice();

        await Patch(Command() with { RealName = "", Bio = "", Location = "", Description = "", Website = "" });

        Assert.Equal(string.Empty, _alice.RealName);
        Assert.Equal(string.Empty, _alice.Bio);
        Assert.Equal(string.Empty, _alice.Location);
        Assert.Equal(string.Empty, _alice.Description);
        Assert.Equal(string.Empty, _alice.Website);
    }

    [Fact]
    public async Task A_username_taken_by_another_user_fails_with_unique_and_nothing_is_saved()
    {
        _uniqueness.IsTakenByAnotherUserAsync(Arg.Any<Username>(), Arg.Any<long>(), Arg.Any<CancellationToken>())
            .Returns(true);

        var exception = await Assert.ThrowsAsync<UsernameAlreadyTakenException>(() => Patch(Command() with { Username = "bob" }));

        Assert.Equal(UserFields.Username, exception.Field);
        Assert.Equal(RuleCodes.Unique, exception.Violation.Code);
        Assert.Equal("alice", _alice.Username.Value);
        AssertNothingSaved();
    }

    [Fact]
    public async Task The_uniqueness_checker_is_asked_about_the_new_name_for_this_user()
    {
        await Patch(Command() with { Username = " bob " });

        await _uniqueness.Received(1).IsTakenByAnotherUserAsync(
            Arg.Is<Username>(u => u.Value == "bob"), _alice.Id, Arg.Any<CancellationToken>());
        Assert.Equal("bob", _alice.Username.Value);
    }

    [Fact]
    public async Task Changing_only_the_case_of_the_username_does_not_ask_the_checker()
    {
        _uniqueness.IsTakenByAnotherUserAsync(Arg.Any<Username>(), Arg.Any<long>(), Arg.Any<CancellationToken>())
            .Returns(true);

        var dto = await Patch(Command() with { Username = "Alice" });

        Assert.Equal("Alice", dto.Username);
        await _uniqueness.DidNotReceiveWithAnyArgs().IsTakenByAnotherUserAsync(default!, default, default);
    }

    [Theory]
    [InlineData(null, RuleCodes.Null)]
    [InlineData("", RuleCodes.Blank)]
    [InlineData("alice smith", RuleCodes.Invalid)]
    [InlineData("Admin", RuleCodes.Reserved)]
    public async Task An_invalid_username_fails_and_nothing_is_saved(string? username, string code)
    {
        var exception = await Assert.ThrowsAsync<InvalidValueException>(() => Patch(Command() with { Username = username }));

        Assert.Equal(UserFields.Username, exception.Field);
        Assert.Equal(code, exception.Violation.Code);
        Assert.Equal("alice", _alice.Username.Value);
        AssertNothingSaved();
    }

    [Fact]
    public async Task An_unknown_user_is_not_found_and_nothing_is_saved()
    {
        var exception = await Assert.ThrowsAsync<NotFoundException>(() =>
            Handler().Handle(new PatchUserCommand(999) { Bio = "x" }, CancellationToken.None));

        Assert.Equal(999L, exception.Key);
        AssertNothingSaved();
    }

    [Theory]
    [InlineData(nameof(PatchUserCommand.Gender), "other", UserFields.Gender, RuleCodes.InvalidChoice)]
    [InlineData(nameof(PatchUserCommand.DateOfBirth), "2020-2-3", UserFields.DateOfBirth, RuleCodes.Invalid)]
    [InlineData(nameof(PatchUserCommand.LocationLatLng), "91,0", UserFields.LocationLatLng, RuleCodes.Invalid)]
    [InlineData(nameof(PatchUserCommand.PositionLatLng), "abc", UserFields.PositionLatLng, RuleCodes.Invalid)]
    [InlineData(nameof(PatchUserCommand.Bio), "a\0b", UserFields.Bio, RuleCodes.NullCharactersNotAllowed)]
    [InlineData(nameof(PatchUserCommand.Website), "ftp://x", UserFields.Website, RuleCodes.Invalid)]
    public async Task An_invalid_value_that_skipped_validation_still_fails_in_the_handler(
        string property, string value, string field, string code)
    {
        FillInAlice();
        var command = property switch
        {
            nameof(PatchUserCommand.Gender) => Command() with { Gender = value },
            nameof(PatchUserCommand.DateOfBirth) => Command() with { DateOfBirth = value },
            nameof(PatchUserCommand.LocationLatLng) => Command() with { LocationLatLng = value },
            nameof(PatchUserCommand.PositionLatLng) => Command() with { PositionLatLng = value },
            nameof(PatchUserCommand.Bio) => Command() with { Bio = value },
            _ => Command() with { Website = value },
        };

        var exception = await Assert.ThrowsAsync<InvalidValueException>(() => Patch(command with { RealName = "Changed" }));

        Assert.Equal(field, exception.Field);
        Assert.Equal(code, exception.Violation.Code);
        Assert.Equal("Alice Liddell", _alice.RealName);
        AssertNothingSaved();
    }

    [Fact]
    public async Task Today_comes_from_the_clock()
    {
        await Patch(Command() with { DateOfBirth = "2025-06-07" });

        Assert.Equal(TestDoubles.Today, _alice.DateOfBirth);
        var exception = await Assert.ThrowsAsync<InvalidValueException>(() => Patch(Command() with { DateOfBirth = "2025-06-08" }));
        Assert.Equal(UserFields.DateOfBirth, exception.Field);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public async Task Null_or_empty_avatar_removes_it_and_raises_an_event(string? avatar)
    {
        FillInAlice();

        var dto = await Patch(Command() with { Avatar = avatar });

        Assert.Null(_alice.Avatar);
        Assert.Null(dto.Avatar);
        Assert.Equal(new UserAvatarChanged(_alice.Id, AvatarKey, null, TestDoubles.Now), Assert.Single(_alice.DomainEvents));
        await _unitOfWork.Received(1).SaveChangesAsync(Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Null_avatar_when_there_is_none_raises_nothing()
    {
        await Patch(Command() with { Avatar = Optional<string?>.Of(null) });

        Assert.Null(_alice.Avatar);
        Assert.Empty(_alice.DomainEvents);
    }

    [Fact]
    public async Task Avatar_equal_to_the_current_public_url_changes_nothing()
    {
        FillInAlice();

        var dto = await Patch(Command() with { Avatar = TestDoubles.MediaBase + AvatarKey });

        Assert.Equal(AvatarKey, _alice.Avatar);
        Assert.Equal(TestDoubles.MediaBase + AvatarKey, dto.Avatar);
        Assert.Empty(_alice.DomainEvents);
    }

    [Theory]
    [InlineData("https://cdn.example/media/avatars/someone-else.jpg")]
    [InlineData("avatars/alice.jpg")] // the storage key is not what clients read
    [InlineData("data:image/png;base64,iVBORw0KGgo=")]
    [InlineData("hello")]
    public async Task Any_other_avatar_text_is_invalid_and_nothing_is_saved(string avatar)
    {
        FillInAlice();

        var exception = await Assert.ThrowsAsync<InvalidValueException>(() => Patch(Command() with { Avatar = avatar }));

        Assert.Equal(UserFields.Avatar, exception.Field);
        Assert.Equal(RuleCodes.Invalid, exception.Violation.Code);
        Assert.Equal(AvatarKey, _alice.Avatar);
        Assert.Empty(_alice.DomainEvents);
        AssertNothingSaved();
    }

    [Fact]
    public async Task Avatar_text_when_there_is_no_avatar_is_invalid()
    {
        var exception = await Assert.ThrowsAsync<InvalidValueException>(() =>
            Patch(Command() with { Avatar = "https://cdn.example/media/x.jpg" }));

        Assert.Equal(UserFields.Avatar, exception.Field);
        AssertNothingSaved();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task Null_or_empty_cover_removes_it_and_raises_an_event(string? cover)
    {
        FillInAlice();

        var dto = await Patch(Command() with { Cover = cover });

        Assert.Null(_alice.Cover);
        Assert.Null(dto.Cover);
        Assert.Equal(new UserCoverChanged(_alice.Id, CoverKey, null, TestDoubles.Now), Assert.Single(_alice.DomainEvents));
    }

    [Fact]
    public async Task Cover_equal_to_the_current_public_url_changes_nothing()
    {
        FillInAlice();

        await Patch(Command() with { Cover = " " + TestDoubles.MediaBase + CoverKey + " " });

        Assert.Equal(CoverKey, _alice.Cover);
        Assert.Empty(_alice.DomainEvents);
    }

    [Fact]
    public async Task Any_other_cover_text_is_invalid_for_the_cover_field()
    {
        FillInAlice();

        var exception = await Assert.ThrowsAsync<InvalidValueException>(() =>
            Patch(Command() with { Cover = TestDoubles.MediaBase + AvatarKey }));

        Assert.Equal(UserFields.Cover, exception.Field);
        Assert.Equal(RuleCodes.Invalid, exception.Violation.Code);
        Assert.Equal(CoverKey, _alice.Cover);
        AssertNothingSaved();
    }

    [Fact]
    public async Task A_blocked_user_cannot_be_patched_and_nothing_is_saved()
    {
        _alice.Block();

        var exception = await Assert.ThrowsAsync<AccountNotEditableException>(() => Patch(Command() with { Bio = "x" }));

        Assert.Equal(RuleCodes.AccountBlocked, exception.Violation.Code);
        AssertNothingSaved();
    }

    [Fact]
    public async Task A_deleted_user_cannot_be_patched_and_nothing_is_saved()
    {
        _alice.MarkDeleted();

        var exception = await Assert.ThrowsAsync<AccountNotEditableException>(() => Patch(Command() with { Bio = "x" }));

        Assert.Equal(RuleCodes.AccountDeleted, exception.Violation.Code);
        AssertNothingSaved();
    }

    [Fact]
    public async Task A_successful_patch_saves_once_with_the_callers_cancellation_token()
    {
        using var cancellation = new CancellationTokenSource();

        await Handler().Handle(Command() with { Bio = "x", Username = "bob" }, cancellation.Token);

        await _users.Received(1).GetByIdAsync(TestDoubles.AliceId, cancellation.Token);
        await _unitOfWork.Received(1).SaveChangesAsync(cancellation.Token);
        await _uniqueness.Received(1).IsTakenByAnotherUserAsync(Arg.Any<Username>(), Arg.Any<long>(), cancellation.Token);
    }

    [Fact]
    public async Task The_returned_user_reflects_the_changes()
    {
        FillInAlice();

        var dto = await Patch(Command() with
        {
            Username = "Alice",
            Bio = "New bio",
            Gender = "male",
            LocationLatLng = "1.50, 2.25",
            DateOfBirth = Optional<string?>.Of(null),
            Avatar = Optional<string?>.Of(null),
        });

        Assert.Equal("Alice", dto.Username);
        Assert.Equal("New bio", dto.Bio);
        Assert.Equal("Male", dto.Gender);
        Assert.Equal("1.5,2.25", dto.LocationLatLng);
        Assert.Equal("41.9,12.5", dto.PositionLatLng);
        Assert.Null(dto.DateOfBirth);
        Assert.Null(dto.Avatar);
        Assert.Equal(TestDoubles.MediaBase + CoverKey, dto.Cover);
        Assert.Equal("Alice Liddell", dto.RealName);
        Assert.Equal(TestDoubles.Joined.UtcDateTime, dto.DateJoined);
    }

    [Fact]
    public async Task The_user_is_saved_after_every_change_is_applied()
    {
        FillInAlice();
        string? bioWhenSaved = null;
        string? avatarWhenSaved = "not saved";
        _unitOfWork.When(u => u.SaveChangesAsync(Arg.Any<CancellationToken>())).Do(_ =>
        {
            bioWhenSaved = _alice.Bio;
            avatarWhenSaved = _alice.Avatar;
        });

        await Patch(Command() with { Bio = "Saved bio", Avatar = Optional<string?>.Of(null) });

        Assert.Equal("Saved bio", bioWhenSaved);
        Assert.Null(avatarWhenSaved);
    }

    [Fact]
    public async Task A_null_command_is_refused() =>
        await Assert.ThrowsAsync<ArgumentNullException>(() => Handler().Handle(null!, CancellationToken.None));
}
