using CleanUser.Domain.Common;
using CleanUser.Domain.Users;

namespace CleanUser.Domain.UnitTests.Users;

/// <summary>Reserved names (docs/api.md#fields): nobody may newly take one; a user who already holds one may send it back.</summary>
public class ReservedUsernamesTests
{
    private static readonly Username Alice = Username.FromStored("alice");

    private static RuleViolation? Check(string candidate, Username? current = null, ReservedUsernames? reserved = null) =>
        (reserved ?? ReservedUsernames.Default).Check(Username.Create(candidate), current);

    [Theory]
    [InlineData("me")]
    [InlineData("ME")]
    [InlineData("Me")]
    [InlineData("admin")]
    [InlineData("Admin")]
    [InlineData("ROOT")]
    [InlineData("System")]
    [InlineData("support")]
    [InlineData("Staff")]
    [InlineData("moderator")]
    [InlineData("  admin  ")]
    public void Default_reserved_names_are_refused_case_insensitively(string raw)
    {
        var violation = Check(raw);

        Assert.Equal(RuleCodes.Reserved, violation?.Code);
        Assert.Equal("This username is reserved.", violation?.Message);
    }

    [Fact]
    public void A_user_cannot_newly_take_a_reserved_name() => Assert.Equal(RuleCodes.Reserved, Check("admin", current: Alice)?.Code);

    [Theory]
    [InlineData("admin", "admin")]
    [InlineData("admin", "Admin")]
    [InlineData("ADMIN", "admin")]
    public void A_reserved_name_the_user_already_holds_may_be_sent_back(string held, string sent) =>
        Assert.Null(Check(sent, current: Username.FromStored(held)));

    [Theory]
    [InlineData("administrator")]
    [InlineData("me2")]
    [InlineData("rooted")]
    public void Names_that_only_contain_a_reserved_name_are_not_reserved(string raw) => Assert.Null(Check(raw));

    [Theory]
    [InlineData("alice")]
    [InlineData("bob")]
    public void A_name_that_is_not_reserved_passes_whoever_asks(string raw)
    {
        Assert.Null(Check(raw));
        Assert.Null(Check(raw, current: Alice));
        Assert.Null(Check(raw, current: Username.FromStored("admin")));
    }

    [Fact]
    public void Default_reserved_list_is_the_one_the_api_documents() =>
        Assert.Equal(["me", "admin", "root", "system", "support", "staff", "moderator"], ReservedUsernames.Defaults);

    [Theory]
    [InlineData("Ceo")]
    [InlineData("BILLING")]
    public void A_custom_reserved_list_is_honoured_case_insensitively(string raw)
    {
        var reserved = new ReservedUsernames([" ceo ", "billing"]);

        Assert.True(reserved.Contains(raw));
        Assert.Equal(RuleCodes.Reserved, Check(raw, reserved: reserved)?.Code);
    }

    [Fact]
    public void A_custom_reserved_list_replaces_the_default_one()
    {
        var reserved = new ReservedUsernames(["ceo"]);

        Assert.Null(Check("admin", reserved: reserved));
    }

    [Fact]
    public void An_empty_entry_in_a_custom_reserved_list_reserves_nothing()
    {
        var reserved = new ReservedUsernames(["", "  "]);

        Assert.False(reserved.Contains(""));
        Assert.Null(Check("alice", reserved: reserved));
    }

    [Fact]
    public void Checking_no_candidate_is_refused() =>
        Assert.Throws<ArgumentNullException>(() => ReservedUsernames.Default.Check(null!, Alice));
}
