using CleanUser.Domain.Common;
using CleanUser.Domain.Users;
using static CleanUser.Domain.UnitTests.Fakes.TestUsers;

namespace CleanUser.Domain.UnitTests.Users;

/// <summary>
/// <see cref="UsernamePolicy.Check"/>: what the database found about a name, turned into the answer for Alice
/// (docs/api.md#username-policy).
/// </summary>
public class UsernamePolicyTests
{
    private static readonly UsernamePolicy WithCooldown = new(TimeSpan.FromDays(7), TimeSpan.FromDays(30), refuseLookAlikes: true);

    private static UsernameFacts Free(string current = "alice", DateTimeOffset? lastRenamedAt = null) =>
        new(Username.Create(current), lastRenamedAt, false, false, false, false);

    private static RuleViolation? Check(string candidate, UsernameFacts facts, UsernamePolicy? policy = null) =>
        (policy ?? UsernamePolicy.Default).Check(Username.Create(candidate), facts, Now);

    [Fact]
    public void A_free_name_is_allowed() => Assert.Null(Check("bob", Free()));

    [Fact]
    public void A_name_another_user_has_is_taken() =>
        Assert.Equal(UsernameAlreadyTakenException.Taken, Check("bob", Free() with { TakenByAnother = true }));

    [Fact]
    public void A_name_another_user_gave_up_and_still_holds_is_taken() =>
        Assert.Equal(UsernameAlreadyTakenException.Taken, Check("bob", Free() with { HeldForAnother = true }));

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void A_look_alike_of_another_users_name_or_held_name_is_similar(bool looksLikeAnother, bool lookHeldForAnother) =>
        Assert.Equal(UsernameAlreadyTakenException.LookAlike,
            Check("b0b", Free() with { LooksLikeAnother = looksLikeAnother, LookHeldForAnother = lookHeldForAnother }));

    [Fact]
    public void Look_alikes_are_allowed_when_the_policy_allows_them()
    {
        var allowing = new UsernamePolicy(TimeSpan.Zero, TimeSpan.FromDays(30), refuseLookAlikes: false);

        Assert.Null(Check("b0b", Free() with { LooksLikeAnother = true, LookHeldForAnother = true }, allowing));
    }

    [Theory]
    [InlineData("alice")] // kept
    [InlineData("Alice")] // re-cased, the same look
    public void The_own_name_is_always_kept_or_re_cased_whatever_else_looks_like_it(string candidate)
    {
        // Alice's name is one the migration kept beside a look-alike, and her cooldown runs.
        var facts = Free(lastRenamedAt: Now) with { LooksLikeAnother = true, LookHeldForAnother = true };

        Assert.Null(Check(candidate, facts, WithCooldown));
    }

    [Fact]
    public void Re_casing_into_a_new_look_like_another_users_is_similar_but_no_rename()
    {
        // "aiice" → "aIice": the same name, now looking like "alice".
        var facts = Free("aiice", lastRenamedAt: Now) with { LooksLikeAnother = true };

        Assert.Equal(UsernameAlreadyTakenException.LookAlike, Check("aIice", facts, WithCooldown));
        Assert.Null(Check("aIice", Free("aiice", lastRenamedAt: Now), WithCooldown));
    }

    [Fact]
    public void While_the_cooldown_runs_a_rename_is_refused_with_the_moment_it_is_allowed_again()
    {
        var renamed = Now.AddDays(-6).AddMilliseconds(-1);

        var violation = Check("bob", Free(lastRenamedAt: renamed) with { TakenByAnother = true }, WithCooldown);

        // Before the name is looked at; the moment is rounded up to the second.
        Assert.Equal(RuleCodes.UsernameChangeTooSoon, violation?.Code);
        Assert.Equal($"You can change your username again from {Now.AddDays(1):yyyy-MM-dd'T'HH:mm:ss'Z'} (one change every 7 days).",
            violation?.Message);
    }

    [Fact]
    public void Once_the_cooldown_is_over_or_never_started_a_rename_is_allowed()
    {
        Assert.Null(Check("bob", Free(lastRenamedAt: Now.AddDays(-7)), WithCooldown));
        Assert.Null(Check("bob", Free(lastRenamedAt: null), WithCooldown));
        Assert.Null(Check("bob", Free(lastRenamedAt: Now), UsernamePolicy.Default));
        Assert.Null(Check("bob", Free(lastRenamedAt: Now), WithCooldown.WithoutCooldown()));
    }

    [Fact]
    public void For_a_user_that_does_not_exist_every_name_is_a_new_one() =>
        Assert.Equal(UsernameAlreadyTakenException.LookAlike, Check("alice", new UsernameFacts(null, null, false, true, false, false)));

    [Fact]
    public void A_negative_cooldown_or_hold_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new UsernamePolicy(TimeSpan.FromDays(-1), TimeSpan.Zero, true));
        Assert.Throws<ArgumentOutOfRangeException>(() => new UsernamePolicy(TimeSpan.Zero, TimeSpan.FromDays(-1), true));
    }
}
