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
using Full = CleanUser.Tests.Support.UserBuilder.Full;

namespace CleanUser.Application.UnitTests.Users.Commands;

/// <summary>
/// One request through the real validator and the real handler, joined as <see cref="ValidationBehavior{TRequest,TResponse}"/>
/// joins them, with the ports substituted: the body is parsed once, each rule is asked once, and what the ports see
/// per request is counted here.
/// </summary>
public class PatchUserWritePathTests : PatchUserTestBase
{
    public PatchUserWritePathTests()
    {
        Alice = FilledInAlice();
        Users.GetStoredKeysAsync(AliceId, Arg.Any<CancellationToken>())
            .Returns(new StoredUserKeys(Alice.Username, Alice.Avatar, Alice.Cover));
    }

    private async Task<(string Field, string Code)> Refused(PatchUserCommand command)
    {
        var exception = await Assert.ThrowsAsync<ValidationException>(() => Send(command));
        var failure = Assert.Single(exception.Errors);
        return (failure.PropertyName, failure.ErrorCode);
    }

    private void AssertNothingLoadedOrSaved()
    {
        _ = Users.DidNotReceiveWithAnyArgs().GetByIdAsync(default, default);
        _ = UnitOfWork.DidNotReceiveWithAnyArgs().SaveChangesAsync(default);
    }

    [Fact]
    public async Task A_username_patch_asks_the_uniqueness_checker_exactly_once_and_does_not_read_the_stored_user()
    {
        var dto = await Send(Command(("username", "bob")));

        Assert.Equal("bob", dto.Username);
        await Uniqueness.Received(1).IsTakenByAnotherUserAsync(Arg.Is<Username>(u => u.Value == "bob"), AliceId, Arg.Any<CancellationToken>());
        Assert.Single(Uniqueness.ReceivedCalls());
        await Users.DidNotReceiveWithAnyArgs().GetStoredKeysAsync(default, default);
        await Users.Received(1).GetByIdAsync(AliceId, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task A_reserved_name_the_user_holds_reads_the_stored_user_once_and_asks_the_checker_once()
    {
        Alice.ChangeUsername(Username.FromStored("admin"));
        Users.GetStoredKeysAsync(AliceId, Arg.Any<CancellationToken>()).Returns(new StoredUserKeys(Username.FromStored("admin"), null, null));

        var dto = await Send(Command(("username", "Admin")));

        Assert.Equal("Admin", dto.Username);
        await Users.Received(1).GetStoredKeysAsync(AliceId, Arg.Any<CancellationToken>());
        Assert.Single(Uniqueness.ReceivedCalls());
    }

    [Fact]
    public async Task A_taken_username_fails_before_the_user_is_loaded()
    {
        Uniqueness.IsTakenByAnotherUserAsync(Arg.Any<Username>(), Arg.Any<long>(), Arg.Any<CancellationToken>()).Returns(true);

        Assert.Equal((UserFields.Username, RuleCodes.Unique), await Refused(Command(("username", "bob"))));

        Assert.Single(Uniqueness.ReceivedCalls());
        Assert.Equal("alice", Alice.Username.Value);
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

        Assert.Equal("alice", Alice.Username.Value);
        await Uniqueness.DidNotReceiveWithAnyArgs().IsTakenByAnotherUserAsync(default!, default, default);
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

        Assert.Equal(Full.RealName, Alice.RealName);
        AssertNothingLoadedOrSaved();
    }

    [Fact]
    public async Task Today_comes_from_the_clock()
    {
        Assert.Equal((UserFields.DateOfBirth, RuleCodes.Invalid), await Refused(Command(("date_of_birth", "2025-06-08"))));
        Assert.Equal(Full.DateOfBirth, Alice.DateOfBirth);

        await Send(Command(("date_of_birth", "2025-06-07")));

        Assert.Equal(Today, Alice.DateOfBirth);
    }

    [Theory]
    [InlineData("avatar", "https://cdn.example/media/avatars/someone-else.jpg")]
    [InlineData("avatar", AvatarKey)]
    [InlineData("cover", MediaBase + AvatarKey)]
    public async Task Image_text_other_than_the_current_url_fails_and_nothing_is_saved(string field, string text)
    {
        Assert.Equal((field, RuleCodes.Invalid), await Refused(Command((field, text), ("bio", "Changed"))));

        Assert.Equal((AvatarKey, CoverKey, Full.Bio), (Alice.Avatar, Alice.Cover, Alice.Bio));
        Assert.Empty(Alice.DomainEvents);
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
        Assert.Equal((AvatarKey, CoverKey), (Alice.Avatar, Alice.Cover));
        Assert.Empty(Alice.DomainEvents);
        Assert.Single(Uniqueness.ReceivedCalls());
        await Users.Received(1).GetStoredKeysAsync(AliceId, Arg.Any<CancellationToken>());
        await Users.Received(1).GetByIdAsync(AliceId, Arg.Any<CancellationToken>());
    }
}
