using CleanUser.Domain.UnitTests.Fakes;
using CleanUser.Domain.Users;

namespace CleanUser.Domain.UnitTests.Users;

/// <summary>
/// Renaming. The name arrives well-formed; whether it is reserved or taken was asked before the aggregate is
/// called (the application validator, and the unique index as the last guard).
/// </summary>
public class UserUsernameTests
{
    [Fact]
    public void A_new_username_replaces_the_old_one()
    {
        var user = TestUsers.Alice();

        user.ChangeUsername(Username.Create("bob"));

        Assert.Equal("bob", user.Username.Value);
        Assert.Equal("bob", user.Username.Normalized);
    }

    [Fact]
    public void Changing_only_the_case_of_the_own_username_is_a_rename()
    {
        var user = TestUsers.Alice();

        user.ChangeUsername(Username.Create("Alice"));

        Assert.Equal("Alice", user.Username.Value);
        Assert.Equal("alice", user.Username.Normalized);
    }

    [Fact]
    public void Setting_the_same_username_keeps_it_and_raises_no_event()
    {
        var user = TestUsers.Alice();

        user.ChangeUsername(Username.Create("alice"));

        Assert.Equal("alice", user.Username.Value);
        Assert.Empty(user.DomainEvents);
    }

    [Fact]
    public void Renaming_raises_no_domain_event()
    {
        var user = TestUsers.Alice();

        user.ChangeUsername(Username.Create("bob"));

        Assert.Empty(user.DomainEvents);
    }

    [Fact]
    public void Renaming_leaves_the_profile_as_it_was()
    {
        var user = TestUsers.FilledInAlice();

        user.ChangeUsername(Username.Create("bob"));

        Assert.Equal("Alice Liddell", user.RealName);
        Assert.Equal("https://alice.example", user.Website);
    }

    [Fact]
    public void No_username_is_refused()
    {
        var user = TestUsers.Alice();

        Assert.Throws<ArgumentNullException>(() => user.ChangeUsername(null!));
        Assert.Equal("alice", user.Username.Value);
    }
}
