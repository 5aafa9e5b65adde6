using CleanUser.Domain.Common;
using CleanUser.Domain.UnitTests.Fakes;
using CleanUser.Domain.Users;

namespace CleanUser.Domain.UnitTests.Users;

public class UserEditabilityTests
{
    public static TheoryData<string> MutatingMethods => new()
    {
        nameof(User.ChangeUsernameAsync),
        nameof(User.UpdateProfile),
        nameof(User.ChangeAvatar),
        nameof(User.ChangeCover),
    };

    private static Task Mutate(User user, string method) => method switch
    {
        nameof(User.ChangeUsernameAsync) =>
            user.ChangeUsernameAsync(Username.FromStored("bob"), new FakeUniquenessChecker(), CancellationToken.None),
        nameof(User.UpdateProfile) => Run(() => user.UpdateProfile(new ProfileChanges { Bio = "New bio" })),
        nameof(User.ChangeAvatar) => Run(() => user.ChangeAvatar("avatars/a.jpg", TestUsers.Now)),
        nameof(User.ChangeCover) => Run(() => user.ChangeCover("covers/c.jpg", TestUsers.Now)),
        _ => throw new ArgumentOutOfRangeException(nameof(method)),
    };

    private static Task Run(Action action)
    {
        action();
        return Task.CompletedTask;
    }

    private static void AssertUnchanged(User user)
    {
        Assert.Equal("alice", user.Username.Value);
        Assert.Equal(string.Empty, user.Bio);
        Assert.Null(user.Avatar);
        Assert.Null(user.Cover);
        Assert.Empty(user.DomainEvents);
    }

    [Theory]
    [MemberData(nameof(MutatingMethods))]
    public async Task A_blocked_user_cannot_be_edited(string method)
    {
        var user = TestUsers.Blocked();

        var exception = await Assert.ThrowsAsync<AccountNotEditableException>(() => Mutate(user, method));

        Assert.Equal(RuleCodes.AccountBlocked, exception.Violation.Code);
        AssertUnchanged(user);
    }

    [Theory]
    [MemberData(nameof(MutatingMethods))]
    public async Task A_deleted_user_cannot_be_edited(string method)
    {
        var user = TestUsers.Deleted();

        var exception = await Assert.ThrowsAsync<AccountNotEditableException>(() => Mutate(user, method));

        Assert.Equal(RuleCodes.AccountDeleted, exception.Violation.Code);
        AssertUnchanged(user);
    }

    [Theory]
    [MemberData(nameof(MutatingMethods))]
    public async Task A_user_both_blocked_and_deleted_is_reported_as_deleted(string method)
    {
        var user = TestUsers.Deleted();
        user.Block();

        var exception = await Assert.ThrowsAsync<AccountNotEditableException>(() => Mutate(user, method));

        Assert.Equal(RuleCodes.AccountDeleted, exception.Violation.Code);
    }

    [Fact]
    public async Task A_blocked_user_cannot_even_set_the_same_values_again()
    {
        var user = TestUsers.Blocked();

        await Assert.ThrowsAsync<AccountNotEditableException>(() =>
            user.ChangeUsernameAsync(Username.FromStored("alice"), new FakeUniquenessChecker(), CancellationToken.None));
        Assert.Throws<AccountNotEditableException>(() => user.ChangeAvatar(null, TestUsers.Now));
        Assert.Throws<AccountNotEditableException>(() => user.ChangeCover(null, TestUsers.Now));
        Assert.Throws<AccountNotEditableException>(() => user.UpdateProfile(new ProfileChanges()));
    }

    [Fact]
    public async Task A_blocked_user_is_refused_before_the_uniqueness_checker_is_asked()
    {
        var user = TestUsers.Blocked();
        var checker = new FakeUniquenessChecker();

        await Assert.ThrowsAsync<AccountNotEditableException>(() =>
            user.ChangeUsernameAsync(Username.FromStored("bob"), checker, CancellationToken.None));

        Assert.Empty(checker.Calls);
    }

    [Theory]
    [MemberData(nameof(MutatingMethods))]
    public async Task An_active_user_can_be_edited(string method)
    {
        var user = TestUsers.Alice();

        await Mutate(user, method);

        Assert.False(user.IsBlocked);
        Assert.False(user.IsDeleted);
    }
}
