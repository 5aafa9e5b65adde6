using CleanUser.Domain.Common;

namespace CleanUser.Domain.UnitTests.Common;

public class TextRuleTests
{
    private static readonly TextRule SingleLine = new(10, multiline: false);
    private static readonly TextRule MultiLine = new(20, multiline: true);

    [Fact]
    public void Text_is_trimmed_of_surrounding_white_space()
    {
        Assert.True(SingleLine.TryNormalize("  \t hello \r\n ", out var value, out var violation));

        Assert.Equal("hello", value);
        Assert.Null(violation);
    }

    [Fact]
    public void Null_text_becomes_the_empty_default()
    {
        Assert.True(SingleLine.TryNormalize(null, out var value, out _));

        Assert.Equal(string.Empty, value);
    }

    [Fact]
    public void Multiline_text_is_limited_too()
    {
        Assert.True(MultiLine.TryNormalize(new string('x', 20), out _, out _));
        Assert.False(MultiLine.TryNormalize(new string('x', 21), out _, out var violation));
        Assert.Equal(RuleCodes.MaxLength, violation!.Code);
    }

    [Fact]
    public void Text_at_the_maximum_length_is_accepted() => Assert.True(SingleLine.TryNormalize("0123456789", out _, out _));

    [Fact]
    public void Text_over_the_maximum_length_is_refused_with_max_length()
    {
        Assert.False(SingleLine.TryNormalize("0123456789X", out _, out var violation));

        Assert.Equal(RuleCodes.MaxLength, violation!.Code);
    }

    [Fact]
    public void Length_is_counted_after_trimming() => Assert.True(SingleLine.TryNormalize("   0123456789   ", out _, out _));

    [Fact]
    public void Length_is_counted_in_code_points_not_utf16_units()
    {
        var tenEmoji = string.Concat(Enumerable.Repeat("😀", 10)); // 20 UTF-16 units

        Assert.Equal(20, tenEmoji.Length);
        Assert.True(SingleLine.TryNormalize(tenEmoji, out _, out _));
        Assert.False(SingleLine.TryNormalize(tenEmoji + "😀", out _, out var violation));
        Assert.Equal(RuleCodes.MaxLength, violation!.Code);
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("abc", 3)]
    [InlineData("é", 1)]
    [InlineData("😀", 1)]
    [InlineData("a😀b", 3)]
    public void Code_points_are_counted(string value, int expected) => Assert.Equal(expected, TextRule.CodePoints(value));

    [Theory]
    [InlineData("line one\nline two")]
    [InlineData("a\tb")]
    [InlineData("a\rb")]
    [InlineData("a\u0007b")]
    [InlineData("a\u001Bb")]
    [InlineData("a\u0085b")]
    public void Control_characters_are_refused_in_a_single_line_field(string value)
    {
        Assert.False(SingleLine.TryNormalize(value, out _, out var violation));

        Assert.Equal(RuleCodes.Invalid, violation!.Code);
    }

    [Theory]
    [InlineData("line one\nline two")]
    [InlineData("a\r\nb")]
    [InlineData("a\tb")]
    public void Newlines_and_tabs_are_allowed_in_a_multiline_field(string value)
    {
        Assert.True(MultiLine.TryNormalize(value, out var normalized, out _));

        Assert.Equal(value, normalized);
    }

    [Theory]
    [InlineData("\0")]
    [InlineData("a\0b")]
    public void Null_character_is_refused_in_single_line_and_multiline_fields(string value)
    {
        Assert.False(SingleLine.TryNormalize(value, out _, out var singleLineViolation));
        Assert.False(MultiLine.TryNormalize(value, out _, out var multiLineViolation));

        Assert.Equal(RuleCodes.NullCharactersNotAllowed, singleLineViolation!.Code);
        Assert.Equal(RuleCodes.NullCharactersNotAllowed, multiLineViolation!.Code);
    }

    [Fact]
    public void Normalize_throws_for_the_named_field()
    {
        var exception = Assert.Throws<InvalidValueException>(() => SingleLine.Normalize("far too long text", "bio"));

        Assert.Equal("bio", exception.Field);
        Assert.Equal(RuleCodes.MaxLength, exception.Violation.Code);
    }

    [Fact]
    public void Normalize_returns_the_trimmed_value() => Assert.Equal("ok", SingleLine.Normalize(" ok ", "bio"));
}
