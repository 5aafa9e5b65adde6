using CleanUser.Domain.Common;
using CleanUser.Domain.UnitTests.Fakes;
using CleanUser.Domain.Users;

namespace CleanUser.Domain.UnitTests.Users;

public class UserEditabilityTests
{
    public static TheoryData<string> MutatingMethods => new()
    {
        nameof(User.ChangeUsername),
        nameof(User.UpdateProfile),
        nameof(User.ChangeAvatar),
        nameof(User.ChangeCover),
    };

    private static void Mutate(User user, string method)
    {
        switch (method)
        {
            case nameof(User.ChangeUsername):
                user.ChangeUsername(Username.Create("bob"));
                break;
            case nameof(User.UpdateProfile):
                user.UpdateProfile(new ProfileChanges { Bio = User.BioRule.Create("New bio") });
                break;
            case nameof(User.ChangeAvatar):
                user.ChangeAvatar("avatars/a.jpg", TestUsers.Now);
                break;
            case nameof(User.ChangeCover):
                user.ChangeCover("covers/c.jpg", TestUsers.Now);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(method));
        }
    }

    private static bool IsUnchanged(User user) =>
        user.Username.Value == "alice" && user.Bio.Length == 0 && user.Avatar is null && user.Cover is null &&
        user.DomainEvents.Count == 0;

    [Theory]
    [MemberData(nameof(MutatingMethods))]
    public void A_blocked_user_cannot_be_edited(string method)
    {
        var user = TestUsers.Blocked();

        var exception = Assert.Throws<AccountNotEditableException>(() => Mutate(user, method));

        Assert.Equal(RuleCodes.AccountBlocked, exception.Violation.Code);
        Assert.True(IsUnchanged(user));
    }

    [Theory]
    [MemberData(nameof(MutatingMethods))]
    public void A_deleted_user_cannot_be_edited(string method)
    {
        var user = TestUsers.Deleted();

        var exception = Assert.Throws<AccountNotEditableException>(() => Mutate(user, method));

        Assert.Equal(RuleCodes.AccountDeleted, exception.Violation.Code);
        Assert.True(IsUnchanged(user));
    }

    [Theory]
    [MemberData(nameof(MutatingMethods))]
    public void A_user_both_blocked_and_deleted_is_reported_as_deleted(string method)
    {
        var user = TestUsers.Deleted();
        user.Block();

        var exception = Assert.Throws<AccountNotEditableException>(() => Mutate(user, method));

        Assert.Equal(RuleCodes.AccountDeleted, exception.Violation.Code);
    }

    [Fact]
    public void A_blocked_user_cannot_even_set_the_same_values_again()
    {
        var user = TestUsers.Blocked();

        Assert.Throws<AccountNotEditableException>(() => user.ChangeUsername(Username.Create("alice")));
        Assert.Throws<AccountNotEditableException>(() => user.ChangeAvatar(null, TestUsers.Now));
        Assert.Throws<AccountNotEditableException>(() => user.ChangeCover(null, TestUsers.Now));
        Assert.Throws<AccountNotEditableException>(() => user.UpdateProfile(new ProfileChanges()));
    }

    [Fact]
    public void A_blocked_user_is_refused_before_the_text_is_looked_at()
    {
        var user = TestUsers.Blocked();
        var bioForTheDescription = new ProfileChanges { Description = User.BioRule.Create("Hi") };

        Assert.Throws<AccountNotEditableException>(() => user.UpdateProfile(bioForTheDescription));
    }

    [Theory]
    [MemberData(nameof(MutatingMethods))]
    public void An_active_user_can_be_edited(string method)
    {
        var user = TestUsers.Alice();

        Mutate(user, method);

        Assert.False(IsUnchanged(user));
    }
}
