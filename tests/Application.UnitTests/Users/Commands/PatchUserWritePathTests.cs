using CleanUser.Application.Common.Behaviors;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.UnitTests.Support;
using CleanUser.Application.Users;
using CleanUser.Application.Users.Commands.PatchUser;
using CleanUser.Domain.Common;
using CleanUser.Domain.Users;
using FluentValidation;
using NSubstitute;
using static CleanUser.Application.UnitTests.Support.TestDoubles;

namespace CleanUser.Application.UnitTests.Users.Commands;

/// <summary>
/// One request through the real validator and the real handler, joined as <see cref="ValidationBehavior{TRequest,TResponse}"/>
/// joins them, with the ports substituted: the body is parsed once, each rule is asked once, and what the ports see
/// per request is counted here.
/// </summary>
public class PatchUserWritePathTests
{
    private readonly IUserRepository _users = Substitute.For<IUserRepository>();
    private readonly IUsernameUniquenessChecker _uniqueness = Substitute.For<IUsernameUniquenessChecker>();
    private readonly IUnitOfWork _unitOfWork = Substitute.For<IUnitOfWork>();
    private readonly IImageProcessor _images = Substitute.For<IImageProcessor>();
    private readonly IMediaUrls _mediaUrls = MediaUrls();
    private readonly User _alice = FilledInAlice();

    public PatchUserWritePathTests()
    {
        _users.GetByIdAsync(AliceId, Arg.Any<CancellationToken>()).Returns(Task.FromResult<User?>(_alice));
        _users.GetStoredKeysAsync(AliceId, Arg.Any<CancellationToken>())
            .Returns(new StoredUserKeys(_alice.Username, _alice.Avatar, _alice.Cover));
    }

    private Task<UserDto> Send(PatchUserCommand command)
    {
        var validator = new PatchUserCommandValidator(ReservedUsernames.Default, _uniqueness, Clock(), _users, _mediaUrls, _images);
        var handler = new PatchUserCommandHandler(_users, _unitOfWork, _images, Substitute.For<IMediaStorage>(), Clock(), Mapper(_mediaUrls));
        return new ValidationBehavior<PatchUserCommand, UserDto>([validator])
            .Handle(command, CancellationToken.None, () => handler.Handle(command, CancellationToken.None));
    }

    private async Task<(string Field, string Code)> Refused(PatchUserCommand command)
    {
        var exception = await Assert.ThrowsAsync<ValidationException>(() => Send(command));
        var failure = Assert.Single(exception.Errors);
        return (failure.PropertyName, failure.ErrorCode);
    }

    private void AssertNothingLoadedOrSaved()
    {
        _ = _users.DidNotReceiveWithAnyArgs().GetByIdAsync(default, default);
        _ = _unitOfWork.DidNotReceiveWithAnyArgs().SaveChangesAsync(default);
    }

    [Fact]
    public async Task A_username_patch_asks_the_uniqueness_checker_exactly_once_and_does_not_read_the_stored_user()
    {
        var dto = await Send(Command(("username", "bob")));

        Assert.Equal("bob", dto.Username);
        await _uniqueness.Received(1).IsTakenByAnotherUserAsync(Arg.Is<Username>(u => u.Value == "bob"), AliceId, Arg.Any<CancellationToken>());
        Assert.Single(_uniqueness.ReceivedCalls());
        await _users.DidNotReceiveWithAnyArgs().GetStoredKeysAsync(default, default);
        await _users.Received(1).GetByIdAsync(AliceId, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task A_reserved_name_the_user_holds_reads_the_stored_user_once_and_asks_the_checker_once()
    {
        _alice.ChangeUsername(Username.FromStored("admin"));
        _users.GetStoredKeysAsync(AliceId, Arg.Any<CancellationToken>()).Returns(new StoredUserKeys(Username.FromStored("admin"), null, null));

        var dto = await Send(Command(("username", "Admin")));

        Assert.Equal("Admin", dto.Username);
        await _users.Received(1).GetStoredKeysAsync(AliceId, Arg.Any<CancellationToken>());
        Assert.Single(_uniqueness.ReceivedCalls());
    }

    [Fact]
    public async Task A_taken_username_fails_before_the_user_is_loaded()
    {
        _uniqueness.IsTakenByAnotherUserAsync(Arg.Any<Username>(), Arg.Any<long>(), Arg.Any<CancellationToken>()).Returns(true);

        Assert.Equal((UserFields.Username, RuleCodes.Unique), await Refused(Command(("username", "bob"))));

        Assert.Single(_uniqueness.ReceivedCalls());
        Assert.Equal("alice", _alice.Username.Value);
        AssertNothingLoadedOrSaved();
    }

    [Theory]
    [InlineData(null, RuleCodes.Null)]
    [InlineData("", RuleCodes.Blank)]
    [InlineData("alice smith", RuleCodes.Invalid)]
    [InlineData("Admin", RuleCodes.Reserved)]
    public async Task An_invalid_username_fails_once_and_nothing_is_saved(string? username, string code)
    {
        Assert.Equal((UserFields.Username, code), await Refused(Command(("username", username))));

        Assert.Equal("alice", _alice.Username.Value);
        await _uniqueness.DidNotReceiveWithAnyArgs().IsTakenByAnotherUserAsync(default!, default, default);
        AssertNothingLoadedOrSaved();
    }

    [Theory]
    [InlineData("gender", "other", RuleCodes.InvalidChoice)]
    [InlineData("date_of_birth", "2020-2-3", RuleCodes.Invalid)]
    [InlineData("location_lat_lng", "91,0", RuleCodes.Invalid)]
    [InlineData("position_lat_lng", "abc", RuleCodes.Invalid)]
    [InlineData("bio", "a\0b", RuleCodes.NullCharactersNotAllowed)]
    [InlineData("bio", "too long", RuleCodes.MaxLength)]
    [InlineData("website", "ftp://x", RuleCodes.Invalid)]
    public async Task An_invalid_value_is_reported_once_though_it_is_parsed_and_validated_and_nothing_changes(
        string field, string value, string code)
    {
        var command = Command((field, value == "too long" ? new string('x', 5001) : value), ("real_name", "Changed"));

        Assert.Equal((field, code), await Refused(command));

        Assert.Equal("Alice Liddell", _alice.RealName);
        AssertNothingLoadedOrSaved();
    }

    [Fact]
    public async Task Today_comes_from_the_clock()
    {
        Assert.Equal((UserFields.DateOfBirth, RuleCodes.Invalid), await Refused(Command(("date_of_birth", "2025-06-08"))));
        Assert.Equal(new DateOnly(1990, 5, 4), _alice.DateOfBirth);

        await Send(Command(("date_of_birth", "2025-06-07")));

        Assert.Equal(Today, _alice.DateOfBirth);
    }

    [Theory]
    [InlineData("avatar", "https://cdn.example/media/avatars/someone-else.jpg")]
    [InlineData("avatar", AvatarKey)]
    [InlineData("cover", MediaBase + AvatarKey)]
    public async Task Image_text_other_than_the_current_url_fails_and_nothing_is_saved(string field, string text)
    {
        Assert.Equal((field, RuleCodes.Invalid), await Refused(Command((field, text), ("bio", "Changed"))));

        Assert.Equal((AvatarKey, CoverKey, "Curious."), (_alice.Avatar, _alice.Cover, _alice.Bio));
        Assert.Empty(_alice.DomainEvents);
        AssertNothingLoadedOrSaved();
    }

    [Fact]
    public async Task The_current_urls_sent_back_with_the_whole_profile_change_nothing_but_the_edited_field()
    {
        var dto = await Send(Command(
            ("username", "alice"), ("bio", "Edited"), ("avatar", MediaBase + AvatarKey), ("cover", MediaBase + CoverKey)) with
        {
            IsFullUpdate = true,
        });

        Assert.Equal("Edited", dto.Bio);
        Assert.Equal((AvatarKey, CoverKey), (_alice.Avatar, _alice.Cover));
        Assert.Empty(_alice.DomainEvents);
        Assert.Single(_uniqueness.ReceivedCalls());
        await _users.Received(1).GetStoredKeysAsync(AliceId, Arg.Any<CancellationToken>());
        await _users.Received(1).GetByIdAsync(AliceId, Arg.Any<CancellationToken>());
    }
}
