using CleanUser.Domain.Common;
using CleanUser.Domain.Users;

namespace CleanUser.Domain.UnitTests.Common;

/// <summary>The rules every free-text field shares (docs/api.md#request-bodies) and the limits of each field (docs/api.md#fields).</summary>
public class TextRuleTests
{
    private static readonly TextRule SingleLine = new("single", 10, multiline: false);
    private static readonly TextRule MultiLine = new("multi", 20, multiline: true);

    private static string Repeat(string text, int count) => string.Concat(Enumerable.Repeat(text, count));

    [Fact]
    public void A_rule_keeps_the_field_it_checks_its_limit_and_whether_newlines_are_allowed()
    {
        Assert.Equal("single", SingleLine.Field);
        Assert.Equal(10, SingleLine.MaxLength);
        Assert.False(SingleLine.Multiline);
        Assert.True(MultiLine.Multiline);
    }

    [Fact]
    public void Text_is_trimmed_of_surrounding_white_space()
    {
        Assert.True(SingleLine.TryCreate("  \t hello \r\n ", out var text, out var violation));

        Assert.Equal("hello", text.Value);
        Assert.Null(violation);
    }

    [Fact]
    public void Text_made_by_a_rule_belongs_to_the_rules_field()
    {
        Assert.True(SingleLine.TryCreate("hello", out var text, out _));

        Assert.Equal("single", text.Field);
    }

    [Fact]
    public void Null_text_becomes_the_empty_default()
    {
        Assert.True(SingleLine.TryCreate(null, out var text, out _));

        Assert.Equal(string.Empty, text.Value);
    }

    [Fact]
    public void Refused_text_gives_a_violation_and_no_text()
    {
        Assert.False(SingleLine.TryCreate("0123456789X", out var text, out var violation));

        Assert.Null(text);
        Assert.NotNull(violation);
    }

    [Fact]
    public void Multiline_text_is_limited_too()
    {
        Assert.True(MultiLine.TryCreate(new string('x', 20), out _, out _));
        Assert.False(MultiLine.TryCreate(new string('x', 21), out _, out var violation));
        Assert.Equal(RuleCodes.MaxLength, violation.Code);
    }

    [Fact]
    public void Text_at_the_maximum_length_is_accepted() => Assert.True(SingleLine.TryCreate("0123456789", out _, out _));

    [Fact]
    public void Text_over_the_maximum_length_is_refused_with_max_length()
    {
        Assert.False(SingleLine.TryCreate("0123456789X", out _, out var violation));

        Assert.Equal(RuleCodes.MaxLength, violation.Code);
        Assert.Equal("Ensure this field has no more than 10 characters.", violation.Message);
    }

    [Fact]
    public void Length_is_counted_after_trimming() => Assert.True(SingleLine.TryCreate("   0123456789   ", out _, out _));

    [Fact]
    public void Length_is_counted_in_code_points_not_utf16_units()
    {
        var tenEmoji = Repeat("😀", 10); // 20 UTF-16 units

        Assert.Equal(20, tenEmoji.Length);
        Assert.True(SingleLine.TryCreate(tenEmoji, out _, out _));
        Assert.False(SingleLine.TryCreate(tenEmoji + "😀", out _, out var violation));
        Assert.Equal(RuleCodes.MaxLength, violation.Code);
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("abc", 3)]
    [InlineData("é", 1)]
    [InlineData("😀", 1)]
    [InlineData("a😀b", 3)]
    public void Code_points_are_counted(string value, int expected) => Assert.Equal(expected, TextRule.CodePoints(value));

    [Fact]
    public void Code_points_of_null_are_refused() => Assert.Throws<ArgumentNullException>(() => TextRule.CodePoints(null!));

    [Theory]
    [InlineData("line one\nline two")]
    [InlineData("a\tb")]
    [InlineData("a\rb")]
    [InlineData("a\u0007b")]
    [InlineData("a\u001Bb")]
    [InlineData("a\u0085b")]
    public void Control_characters_are_refused_in_a_single_line_field(string value)
    {
        Assert.False(SingleLine.TryCreate(value, out _, out var violation));

        Assert.Equal(RuleCodes.Invalid, violation.Code);
    }

    [Theory]
    [InlineData("line one\nline two")]
    [InlineData("a\r\nb")]
    [InlineData("a\tb")]
    public void Newlines_and_tabs_are_allowed_in_a_multiline_field(string value)
    {
        Assert.True(MultiLine.TryCreate(value, out var text, out _));

        Assert.Equal(value, text.Value);
    }

    [Theory]
    [InlineData("\0")]
    [InlineData("a\0b")]
    public void Null_character_is_refused_in_single_line_and_multiline_fields(string value)
    {
        Assert.False(SingleLine.TryCreate(value, out _, out var singleLineViolation));
        Assert.False(MultiLine.TryCreate(value, out _, out var multiLineViolation));

        Assert.Equal(RuleCodes.NullCharactersNotAllowed, singleLineViolation.Code);
        Assert.Equal(RuleCodes.NullCharactersNotAllowed, multiLineViolation.Code);
    }

    [Fact]
    public void Create_throws_for_the_rules_field()
    {
        var exception = Assert.Throws<InvalidValueException>(() => SingleLine.Create("far too long text"));

        Assert.Equal("single", exception.Field);
        Assert.Equal(RuleCodes.MaxLength, exception.Violation.Code);
    }

    [Fact]
    public void Create_returns_the_trimmed_text_of_the_rules_field()
    {
        var text = SingleLine.Create(" ok ");

        Assert.Equal("ok", text.Value);
        Assert.Equal("single", text.Field);
        Assert.Equal("ok", text.ToString());
    }

    [Fact]
    public void The_same_words_made_by_different_rules_are_different_texts()
    {
        Assert.Equal(SingleLine.Create("same"), SingleLine.Create(" same "));
        Assert.NotEqual(SingleLine.Create("same"), MultiLine.Create("same"));
    }

    // The four free-text fields of a profile, each with the rule the aggregate exposes.

    public static TheoryData<string, string, int> ProfileTextLimits => new()
    {
        { nameof(User.RealNameRule), "real_name", 255 },
        { nameof(User.BioRule), "bio", 5000 },
        { nameof(User.LocationRule), "location", 100 },
        { nameof(User.DescriptionRule), "description", 50 },
    };

    public static TheoryData<string, string> ProfileTextFields => new()
    {
        { nameof(User.RealNameRule), "real_name" },
        { nameof(User.BioRule), "bio" },
        { nameof(User.LocationRule), "location" },
        { nameof(User.DescriptionRule), "description" },
    };

    public static TheoryData<string> SingleLineProfileTextRules => new()
    {
        nameof(User.RealNameRule),
        nameof(User.LocationRule),
        nameof(User.DescriptionRule),
    };

    private static TextRule ProfileRule(string name) => name switch
    {
        nameof(User.RealNameRule) => User.RealNameRule,
        nameof(User.BioRule) => User.BioRule,
        nameof(User.LocationRule) => User.LocationRule,
        nameof(User.DescriptionRule) => User.DescriptionRule,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(ProfileTextLimits))]
    public void Each_profile_text_rule_is_named_and_limited_as_the_api_documents(string rule, string field, int maxLength)
    {
        Assert.Equal(field, ProfileRule(rule).Field);
        Assert.Equal(maxLength, ProfileRule(rule).MaxLength);
    }

    [Theory]
    [MemberData(nameof(ProfileTextLimits))]
    public void Profile_text_at_its_maximum_length_is_accepted(string rule, string field, int maxLength)
    {
        var value = Repeat("é", maxLength);

        var text = ProfileRule(rule).Create(value);

        Assert.Equal(value, text.Value);
        Assert.Equal(field, text.Field);
    }

    [Theory]
    [MemberData(nameof(ProfileTextLimits))]
    public void Profile_text_one_code_point_over_its_maximum_is_refused_for_its_field(string rule, string field, int maxLength)
    {
        var exception = Assert.Throws<InvalidValueException>(() => ProfileRule(rule).Create(Repeat("😀", maxLength + 1)));

        Assert.Equal(field, exception.Field);
        Assert.Equal(RuleCodes.MaxLength, exception.Violation.Code);
    }

    [Theory]
    [MemberData(nameof(ProfileTextFields))]
    public void Profile_text_refuses_a_null_character_for_its_field(string rule, string field)
    {
        var exception = Assert.Throws<InvalidValueException>(() => ProfileRule(rule).Create("a\0b"));

        Assert.Equal(field, exception.Field);
        Assert.Equal(RuleCodes.NullCharactersNotAllowed, exception.Violation.Code);
    }

    [Theory]
    [MemberData(nameof(ProfileTextFields))]
    public void Profile_text_is_trimmed_even_of_surrounding_newlines(string rule, string field)
    {
        var text = ProfileRule(rule).Create("\n Hello \t");

        Assert.Equal("Hello", text.Value);
        Assert.Equal(field, text.Field);
    }

    [Theory]
    [MemberData(nameof(ProfileTextFields))]
    public void Null_profile_text_becomes_empty_text_of_its_field(string rule, string field)
    {
        var text = ProfileRule(rule).Create(null);

        Assert.Equal(string.Empty, text.Value);
        Assert.Equal(field, text.Field);
    }

    [Theory]
    [MemberData(nameof(SingleLineProfileTextRules))]
    public void A_single_line_profile_field_refuses_a_newline_as_invalid(string rule)
    {
        var exception = Assert.Throws<InvalidValueException>(() => ProfileRule(rule).Create("one\ntwo"));

        Assert.Equal(ProfileRule(rule).Field, exception.Field);
        Assert.Equal(RuleCodes.Invalid, exception.Violation.Code);
    }

    [Fact]
    public void Bio_may_have_several_lines() =>
        Assert.Equal("first line\nsecond line\r\nthird", User.BioRule.Create("first line\nsecond line\r\nthird").Value);

    [Fact]
    public void Description_of_50_emoji_is_accepted()
    {
        var fiftyEmoji = Repeat("🎉", 50);

        Assert.Equal(fiftyEmoji, User.DescriptionRule.Create(fiftyEmoji).Value);
    }

    [Fact]
    public void Description_of_51_emoji_is_too_long()
    {
        Assert.False(User.DescriptionRule.TryCreate(Repeat("🎉", 51), out _, out var violation));

        Assert.Equal(RuleCodes.MaxLength, violation.Code);
    }
}
