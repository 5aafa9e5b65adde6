using CleanUser.Domain.Common;
using CleanUser.Domain.Users;

namespace CleanUser.Domain.UnitTests.Users;

public class BirthDateTests
{
    private static readonly DateOnly Today = new(2025, 6, 7);

    [Theory]
    [InlineData("1990-05-04", 1990, 5, 4)]
    [InlineData(" 1990-05-04 ", 1990, 5, 4)]
    [InlineData("2020-02-29", 2020, 2, 29)]
    [InlineData("2000-02-29", 2000, 2, 29)]
    public void A_real_past_date_in_iso_format_is_valid(string raw, int year, int month, int day)
    {
        Assert.True(BirthDate.TryParse(raw, Today, out var date, out var violation));

        Assert.Null(violation);
        Assert.Equal(new DateOnly(year, month, day), date);
    }

    [Theory]
    [InlineData("2020-2-3")]
    [InlineData("2020-02-3")]
    [InlineData("03/02/2020")]
    [InlineData("2020/02/03")]
    [InlineData("20200203")]
    [InlineData("2020-02-03T00:00:00")]
    [InlineData("2020-02-03Z")]
    [InlineData("3 February 2020")]
    [InlineData("")]
    [InlineData("abc")]
    public void A_date_not_written_as_yyyy_mm_dd_is_invalid(string raw) => AssertInvalid(raw);

    [Theory]
    [InlineData("2021-02-29")]
    [InlineData("1900-02-29")]
    [InlineData("2020-13-01")]
    [InlineData("2020-04-31")]
    [InlineData("2020-00-10")]
    [InlineData("2020-01-00")]
    public void A_date_that_does_not_exist_is_invalid(string raw) => AssertInvalid(raw);

    [Fact]
    public void A_date_before_1900_is_invalid() => AssertInvalid("1899-12-31");

    [Fact]
    public void The_first_day_of_1900_is_valid() => Assert.True(BirthDate.TryParse("1900-01-01", Today, out _, out _));

    [Fact]
    public void Today_is_valid()
    {
        Assert.True(BirthDate.TryParse("2025-06-07", Today, out var date, out _));

        Assert.Equal(Today, date);
    }

    [Fact]
    public void Tomorrow_is_invalid() => AssertInvalid("2025-06-08");

    [Fact]
    public void Parse_throws_for_the_date_of_birth_field()
    {
        var exception = Assert.Throws<InvalidValueException>(() => BirthDate.Parse("2025-06-08", Today));

        Assert.Equal(UserFields.DateOfBirth, exception.Field);
        Assert.Equal(RuleCodes.Invalid, exception.Violation.Code);
    }

    [Fact]
    public void Parse_returns_the_date() => Assert.Equal(new DateOnly(1990, 5, 4), BirthDate.Parse("1990-05-04", Today));

    private static void AssertInvalid(string raw)
    {
        Assert.False(BirthDate.TryParse(raw, Today, out _, out var violation));

        Assert.Equal(RuleCodes.Invalid, violation!.Code);
    }
}
