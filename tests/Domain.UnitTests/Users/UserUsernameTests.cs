using CleanUser.Domain.Common;
using CleanUser.Domain.UnitTests.Fakes;
using CleanUser.Domain.Users;

namespace CleanUser.Domain.UnitTests.Users;

public class UserUsernameTests
{
    [Fact]
    public async Task A_free_username_is_taken()
    {
        var user = TestUsers.Alice();
        var checker = new FakeUniquenessChecker();

        await user.ChangeUsernameAsync(Username.FromStored("bob"), checker, CancellationToken.None);

        Assert.Equal("bob", user.Username.Value);
        var (asked, userId) = Assert.Single(checker.Calls);
        Assert.Equal("bob", asked.Value);
        Assert.Equal(user.Id, userId);
    }

    [Fact]
    public async Task A_username_held_by_another_user_is_refused_with_code_unique()
    {
        var user = TestUsers.Alice();

        var exception = await Assert.ThrowsAsync<UsernameAlreadyTakenException>(() =>
            user.ChangeUsernameAsync(Username.FromStored("bob"), new FakeUniquenessChecker("bob"), CancellationToken.None));

        Assert.Equal(UserFields.Username, exception.Field);
        Assert.Equal(RuleCodes.Unique, exception.Violation.Code);
        Assert.IsAssignableFrom<InvalidValueException>(exception);
        Assert.Equal("alice", user.Username.Value);
    }

    [Fact]
    public async Task A_username_held_by_another_user_in_another_case_is_refused()
    {
        var user = TestUsers.Alice();

        await Assert.ThrowsAsync<UsernameAlreadyTakenException>(() =>
            user.ChangeUsernameAsync(Username.FromStored("BOB"), new FakeUniquenessChecker("bob"), CancellationToken.None));

        Assert.Equal("alice", user.Username.Value);
    }

    [Fact]
    public async Task Changing_only_the_case_of_the_own_username_is_allowed_without_asking_the_checker()
    {
        var user = TestUsers.Alice();
        var checker = new FakeUniquenessChecker("alice"); // would say "taken" if it were asked

        await user.ChangeUsernameAsync(Username.FromStored("Alice"), checker, CancellationToken.None);

        Assert.Equal("Alice", user.Username.Value);
        Assert.Equal("alice", user.Username.Normalized);
        Assert.Empty(checker.Calls);
    }

    [Fact]
    public async Task Setting_the_same_username_is_a_no_op()
    {
        var user = TestUsers.Alice();
        var before = user.Username;
        var checker = new FakeUniquenessChecker("alice");

        await user.ChangeUsernameAsync(Username.FromStored("alice"), checker, CancellationToken.None);

        Assert.Same(before, user.Username);
        Assert.Empty(checker.Calls);
        Assert.Empty(user.DomainEvents);
    }

    [Fact]
    public async Task The_cancellation_token_is_passed_to_the_checker()
    {
        using var cancellation = new CancellationTokenSource();
        var checker = new TokenRecordingChecker();

        await TestUsers.Alice().ChangeUsernameAsync(Username.FromStored("bob"), checker, cancellation.Token);

        Assert.Equal(cancellation.Token, checker.Token);
    }

    private sealed class TokenRecordingChecker : IUsernameUniquenessChecker
    {
        public CancellationToken Token { get; private set; }

        public Task<bool> IsTakenByAnotherUserAsync(Username username, long userId, CancellationToken cancellationToken)
        {
            Token = cancellationToken;
            return Task.FromResult(false);
        }
    }
}
