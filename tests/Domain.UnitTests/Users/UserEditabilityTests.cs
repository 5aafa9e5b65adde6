using CleanUser.Domain.Common;
using CleanUser.Domain.UnitTests.Fakes;
using CleanUser.Domain.Users;

namespace CleanUser.Domain.UnitTests.Users;

public class UserEditabilityTests
{
    private static readonly string[] Methods =
    [
        nameof(User.ChangeUsername),
        nameof(User.UpdateProfile),
        nameof(User.ChangeAvatar),
        nameof(User.ChangeCover),
    ];

    public static TheoryData<string> MutatingMethods => new(Methods);

    /// <summary>Every account that may not be edited, with every mutation and the code it is refused with.</summary>
    public static TheoryData<string, string, string> NotEditableAccountsAndMutations
    {
        get
        {
            var data = new TheoryData<string, string, string>();
            foreach (var (account, code) in new[]
            {
                ("blocked", RuleCodes.AccountBlocked),
                ("deleted", RuleCodes.AccountDeleted),
                ("blocked and deleted", RuleCodes.AccountDeleted), // deleted is the reason given
            })
            {
                foreach (var method in Methods)
                {
                    data.Add(account, method, code);
                }
            }

            return data;
        }
    }

    private static User Account(string account)
    {
        var user = account == "blocked" ? TestUsers.Blocked() : TestUsers.Deleted();
        if (account == "blocked and deleted")
        {
            user.Block();
        }

        return user;
    }

    private static void Mutate(User user, string method)
    {
        switch (method)
        {
            case nameof(User.ChangeUsername):
                user.ChangeUsername(Username.Create("bob"), TestUsers.Now, UsernamePolicy.Default);
                break;
            case nameof(User.UpdateProfile):
                user.UpdateProfile(new ProfileChanges { Bio = User.BioRule.Create("New bio") }, TestUsers.Now);
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
    [MemberData(nameof(NotEditableAccountsAndMutations))]
    public void A_blocked_or_deleted_user_cannot_be_edited_and_stays_as_it_was(string account, string method, string code)
    {
        var user = Account(account);

        var exception = Assert.Throws<AccountNotEditableException>(() => Mutate(user, method));

        Assert.Equal(code, exception.Violation.Code);
        Assert.True(IsUnchanged(user));
    }

    [Fact]
    public void A_blocked_user_cannot_even_set_the_same_values_again()
    {
        var user = TestUsers.Blocked();

        Assert.Throws<AccountNotEditableException>(() => user.ChangeUsername(Username.Create("alice"), TestUsers.Now, UsernamePolicy.Default));
        Assert.Throws<AccountNotEditableException>(() => user.ChangeAvatar(null, TestUsers.Now));
        Assert.Throws<AccountNotEditableException>(() => user.ChangeCover(null, TestUsers.Now));
        Assert.Throws<AccountNotEditableException>(() => user.UpdateProfile(new ProfileChanges(), TestUsers.Now));
    }

    [Fact]
    public void A_blocked_user_is_refused_before_the_text_is_looked_at()
    {
        var user = TestUsers.Blocked();
        var bioForTheDescription = new ProfileChanges { Description = User.BioRule.Create("Hi") };

        Assert.Throws<AccountNotEditableException>(() => user.UpdateProfile(bioForTheDescription, TestUsers.Now));
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
