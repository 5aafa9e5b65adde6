using CleanUser.Domain.Users;

namespace CleanUser.Domain.UnitTests.Users;

/// <summary>The confusable skeleton (docs/adr/0017-username-policy.md): which names look alike.</summary>
public class UsernameSkeletonTests
{
    [Theory]
    [InlineData("alice", "alice")]
    [InlineData("a1ice", "alice")] // 1 looks like l
    [InlineData("aIice", "alice")] // a capital I looks like l: replaced before case-folding
    [InlineData("aiice", "aiice")] // a small i does not
    [InlineData("ALICE", "allce")] // its I is an l too; ALICE is refused next to alice by the case rule, not by its look
    [InlineData("b0b", "bob")] // 0 looks like o
    [InlineData("BOB", "bob")]
    [InlineData("rnary", "mary")] // rn looks like m
    [InlineData("RNary", "mary")] // after case-folding, so RN too
    [InlineData("vvill", "will")] // vv looks like w
    [InlineData("VVill", "will")]
    [InlineData("rrnn", "rmn")] // left to right, without overlaps
    [InlineData("vvv", "wv")]
    [InlineData("a_b-c", "a_b-c")] // _ and - are kept
    [InlineData("ARNvVI10_x-Y", "amwllo_x-y")]
    public void The_skeleton_replaces_look_alikes_then_folds_case_then_replaces_letter_pairs(string name, string skeleton)
    {
        Assert.Equal(skeleton, Username.SkeletonOf(name));
        Assert.Equal(skeleton, Username.Create(name).Skeleton);
    }

    [Theory]
    [InlineData("alice", "a1ice")]
    [InlineData("alice", "aIice")]
    [InlineData("modern", "rnodern")]
    [InlineData("wave", "vvave")]
    [InlineData("bob", "B0B")]
    public void Names_that_look_alike_have_equal_skeletons(string one, string other) =>
        Assert.Equal(Username.SkeletonOf(one), Username.SkeletonOf(other));

    [Theory]
    [InlineData("alice", "aiice")]
    [InlineData("alice", "alice_")]
    [InlineData("m", "n")]
    public void Names_that_do_not_look_alike_have_different_skeletons(string one, string other) =>
        Assert.NotEqual(Username.SkeletonOf(one), Username.SkeletonOf(other));
}
