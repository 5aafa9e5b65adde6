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
    public void A_real_date_in_iso_format_is_valid(string raw, int year, int month, int day)
    {
        Assert.True(BirthDate.TryParse(raw, out var date, out var violation));

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
    public void The_first_day_of_1900_is_valid() => Assert.True(BirthDate.TryParse("1900-01-01", out _, out _));

    [Fact]
    public void Parsing_leaves_the_future_to_the_check_against_today()
    {
        Assert.True(BirthDate.TryParse("2999-01-01", out var date, out _));

        Assert.NotNull(BirthDate.CheckNotInFuture(date, Today));
    }

    [Fact]
    public void Null_text_is_refused() => Assert.Throws<ArgumentNullException>(() => BirthDate.TryParse(null!, out _, out _));

    [Fact]
    public void Today_is_not_in_the_future() => Assert.Null(BirthDate.CheckNotInFuture(Today, Today));

    [Fact]
    public void A_past_date_is_not_in_the_future() => Assert.Null(BirthDate.CheckNotInFuture(new DateOnly(1900, 1, 1), Today));

    [Fact]
    public void Tomorrow_is_in_the_future_and_invalid()
    {
        var violation = BirthDate.CheckNotInFuture(Today.AddDays(1), Today);

        Assert.Equal(RuleCodes.Invalid, violation?.Code);
        Assert.Equal("Date of birth cannot be in the future.", violation?.Message);
    }

    private static void AssertInvalid(string raw)
    {
        Assert.False(BirthDate.TryParse(raw, out _, out var violation));

        Assert.Equal(RuleCodes.Invalid, violation!.Code);
    }
}
