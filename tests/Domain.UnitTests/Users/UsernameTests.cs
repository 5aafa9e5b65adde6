using CleanUser.Domain.Common;
using CleanUser.Domain.Users;

namespace CleanUser.Domain.UnitTests.Users;

public class UsernameTests
{
    private static RuleViolation? ViolationOf(string? raw)
    {
        Username.TryCreate(raw, out _, out var violation);
        return violation;
    }

    [Theory]
    [InlineData("alice")]
    [InlineData("ALICE")]
    [InlineData("a")]
    [InlineData("0")]
    [InlineData("_")]
    [InlineData("-")]
    [InlineData("Alice_Smith-42")]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")]
    public void Username_of_letters_digits_underscore_and_dash_is_valid(string raw)
    {
        var ok = Username.TryCreate(raw, out var username, out var violation);

        Assert.True(ok);
        Assert.Null(violation);
        Assert.Equal(raw, username!.Value);
    }

    [Fact]
    public void Username_with_a_space_is_invalid() => Assert.Equal(RuleCodes.Invalid, ViolationOf("alice smith")?.Code);

    [Theory]
    [InlineData("alice.smith")]
    [InlineData("alice@example")]
    [InlineData("alicé")]
    [InlineData("ålice")]
    [InlineData("alice😀")]
    [InlineData("алиса")]
    [InlineData("alice+1")]
    [InlineData("alice/1")]
    [InlineData("alice\tsmith")]
    [InlineData("ａｌｉｃｅ")] // full-width letters are letters, but not ASCII
    [InlineData("١٢٣")] // Arabic-Indic digits are digits, but not ASCII
    public void Username_with_a_character_outside_the_allowed_set_is_invalid(string raw) =>
        Assert.Equal(RuleCodes.Invalid, ViolationOf(raw)?.Code);

    [Theory]
    [InlineData("  alice  ")]
    [InlineData("\talice\n")]
    public void Username_is_trimmed(string raw)
    {
        var username = Username.Create(raw);

        Assert.Equal("alice", username.Value);
    }

    [Fact]
    public void Username_of_255_characters_is_valid()
    {
        var raw = new string('a', 255);

        Assert.Null(ViolationOf(raw));
        Assert.Equal(raw, Username.Create(raw).Value);
    }

    [Fact]
    public void Username_of_256_characters_is_too_long()
    {
        var violation = ViolationOf(new string('a', 256));

        Assert.Equal(RuleCodes.MaxLength, violation?.Code);
        Assert.Equal("Ensure this field has no more than 255 characters.", violation?.Message);
    }

    [Fact]
    public void Username_length_is_checked_after_trimming() =>
        Assert.Null(ViolationOf("  " + new string('a', 255) + "  "));

    [Fact]
    public void Null_username_is_refused_with_code_null() => Assert.Equal(RuleCodes.Null, ViolationOf(null)?.Code);

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("   \t\r\n ")]
    public void Blank_username_is_refused_with_code_blank(string raw) => Assert.Equal(RuleCodes.Blank, ViolationOf(raw)?.Code);

    [Theory]
    [InlineData("\0")]
    [InlineData("al\0ice")]
    [InlineData("alice\0")]
    public void Username_with_a_null_character_is_refused_with_its_own_code(string raw) =>
        Assert.Equal(RuleCodes.NullCharactersNotAllowed, ViolationOf(raw)?.Code);

    [Theory]
    [InlineData("admin")]
    [InlineData("Me")]
    public void A_reserved_name_is_a_well_formed_username(string raw) =>
        Assert.Equal(raw, Username.Create(raw).Value);

    [Fact]
    public void Usernames_that_differ_only_in_case_are_equal()
    {
        var lower = Username.Create("alice");
        var upper = Username.Create("ALICE");

        Assert.Equal(lower, upper);
        Assert.True(lower.Equals((object)upper));
        Assert.Equal(lower.GetHashCode(), upper.GetHashCode());
        Assert.Equal("alice", upper.Normalized);
        Assert.Equal("ALICE", upper.Value);
    }

    [Fact]
    public void Different_usernames_are_not_equal()
    {
        var alice = Username.Create("alice");

        Assert.NotEqual(alice, Username.Create("alicia"));
        Assert.False(alice.Equals(null));
    }

    [Fact]
    public void Username_keeps_the_spelling_it_was_given_and_prints_it() =>
        Assert.Equal("AliCe", Username.Create("AliCe").ToString());

    [Fact]
    public void Create_throws_an_invalid_value_exception_for_the_username_field()
    {
        var exception = Assert.Throws<InvalidValueException>(() => Username.Create("bad name"));

        Assert.Equal("username", exception.Field);
        Assert.Equal(RuleCodes.Invalid, exception.Violation.Code);
    }

    [Theory]
    [InlineData(null, "null")]
    [InlineData(" ", "blank")]
    [InlineData("a\0", "null_characters_not_allowed")]
    [InlineData("a.b", "invalid")]
    public void Create_reports_the_code_of_the_broken_format_rule(string? raw, string code)
    {
        var exception = Assert.Throws<InvalidValueException>(() => Username.Create(raw));

        Assert.Equal(UserFields.Username, exception.Field);
        Assert.Equal(code, exception.Violation.Code);
    }

    [Fact]
    public void A_stored_username_is_rebuilt_even_if_it_is_reserved_now()
    {
        var username = Username.FromStored("admin");

        Assert.Equal("admin", username.Value);
        Assert.Equal("admin", username.Normalized);
    }
}
