using CleanUser.Domain.Common;
using CleanUser.Domain.UnitTests.Fakes;
using CleanUser.Domain.Users;
using CleanUser.Tests.Support;

namespace CleanUser.Domain.UnitTests.Users;

/// <summary>
/// Renaming. The name arrives well-formed; whether it is reserved, taken, held or a look-alike was asked before the
/// aggregate is called (the application validator, and the unique indexes as the last guard). The aggregate keeps the
/// time of the last rename, refuses a rename within the cooldown, and hands back the name it gave up.
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

    [Fact]
    public void A_rename_records_its_time_and_returns_the_name_given_up_held_for_the_policys_hold()
    {
        var user = TestUsers.Alice();

        var released = user.ChangeUsername(Username.Create("bob"), TestUsers.Now, UsernamePolicy.Default);

        Assert.Equal(TestUsers.Now, user.UsernameChangedAt);
        Assert.NotNull(released);
        Assert.Equal(("alice", "alice", user.Id, TestUsers.Now.AddDays(30)),
            (released.NormalizedUsername, released.UsernameSkeleton, released.FormerHolderId, released.HeldUntil));
    }

    [Theory]
    [InlineData("Alice")] // another case: no rename
    [InlineData("alice")] // kept
    public void A_change_of_case_or_none_is_no_rename_and_gives_nothing_up(string username)
    {
        var user = TestUsers.Alice();

        var released = user.ChangeUsername(Username.Create(username), TestUsers.Now, UsernamePolicy.Default);

        Assert.Null(released);
        Assert.Null(user.UsernameChangedAt);
        Assert.Equal(username, user.Username.Value);
    }

    [Fact]
    public void Without_a_hold_nothing_is_given_up_to_hold()
    {
        var user = TestUsers.Alice();

        Assert.Null(user.ChangeUsername(Username.Create("bob"), TestUsers.Now, new UsernamePolicy(TimeSpan.Zero, TimeSpan.Zero, true)));
        Assert.Equal(TestUsers.Now, user.UsernameChangedAt);
    }

    [Fact]
    public void Within_the_cooldown_a_rename_is_refused_and_the_user_stays_as_it_was_but_a_change_of_case_is_not()
    {
        var policy = new UsernamePolicy(TimeSpan.FromDays(7), TimeSpan.FromDays(30), true);
        var user = TestUsers.Alice();
        user.ChangeUsername(Username.Create("bob"), TestUsers.Now, policy);
        var before = UserSnapshot.Of(user);

        var refused = Assert.Throws<InvalidValueException>(() =>
            user.ChangeUsername(Username.Create("carol"), TestUsers.Now.AddDays(7).AddTicks(-1), policy));

        Assert.Equal((UserFields.Username, RuleCodes.UsernameChangeTooSoon), (refused.Field, refused.Violation.Code));
        Assert.Equal(before, UserSnapshot.Of(user));
        Assert.Null(user.ChangeUsername(Username.Create("BOB"), TestUsers.Now.AddDays(1), policy));
        Assert.NotNull(user.ChangeUsername(Username.Create("carol"), TestUsers.Now.AddDays(7), policy));
    }

    [Fact]
    public void A_new_look_chosen_while_look_alikes_are_allowed_may_look_alike_until_the_look_changes_again()
    {
        var allowing = new UsernamePolicy(TimeSpan.Zero, TimeSpan.FromDays(30), refuseLookAlikes: false);
        var user = TestUsers.Alice();

        user.ChangeUsername(Username.Create("b0b"), TestUsers.Now, allowing);
        Assert.True(user.UsernameMayLookAlike);

        // The same look, under the default policy: still allowed to look alike (nothing new looks like anyone).
        user.ChangeUsername(Username.Create("B0B"), TestUsers.Now, UsernamePolicy.Default);
        Assert.True(user.UsernameMayLookAlike);

        user.ChangeUsername(Username.Create("carol"), TestUsers.Now, UsernamePolicy.Default);
        Assert.False(user.UsernameMayLookAlike);
    }
}
