using CleanUser.Domain.UnitTests.Fakes;
using CleanUser.Domain.Users;
using CleanUser.Tests.Support;

namespace CleanUser.Domain.UnitTests.Users;

/// <summary>
/// Renaming. The name arrives well-formed; whether it is reserved or taken was asked before the aggregate is
/// called (the application validator, and the unique index as the last guard).
/// </summary>
public class UserUsernameTests
{
    [Theory]
    [InlineData("bob", "bob")] // another name
    [InlineData("Alice", "alice")] // only the case of the own name changes: still a rename
    [InlineData("alice", "alice")] // the same name: kept
    public void The_username_given_is_stored_with_its_normalised_form_and_raises_no_event(string username, string normalized)
    {
        var user = TestUsers.Alice();

        user.ChangeUsername(Username.Create(username), TestUsers.Now, UsernamePolicy.Default);

        Assert.Equal(username, user.Username.Value);
        Assert.Equal(normalized, user.Username.Normalized);
        Assert.Empty(user.DomainEvents);
    }

    [Fact]
    public void Renaming_leaves_the_profile_as_it_was()
    {
        var user = TestUsers.FilledInAlice();
        var before = UserSnapshot.Of(user);

        user.ChangeUsername(Username.Create("bob"), TestUsers.Now, UsernamePolicy.Default);

        Assert.Equal(before with { Username = "bob", UsernameChangedAt = TestUsers.Now }, UserSnapshot.Of(user));
    }

    [Fact]
    public void No_username_is_refused()
    {
        var user = TestUsers.Alice();

        Assert.Throws<ArgumentNullException>(() => user.ChangeUsername(null!, TestUsers.Now, UsernamePolicy.Default));
        Assert.Equal("alice", user.Username.Value);
    }
}
