using CleanUser.Domain.Common;

namespace CleanUser.Domain.UnitTests.Common;

public class OptionalTests
{
    [Fact]
    public void Absent_has_no_value_and_refuses_to_give_one()
    {
        var absent = Optional<string?>.Absent;

        Assert.False(absent.HasValue);
        Assert.Throws<InvalidOperationException>(() => absent.Value);
    }

    [Fact]
    public void Default_is_absent() => Assert.Equal(Optional<int>.Absent, default);

    [Fact]
    public void Present_null_is_different_from_absent()
    {
        var presentNull = Optional<string?>.Of(null);

        Assert.True(presentNull.HasValue);
        Assert.Null(presentNull.Value);
        Assert.NotEqual(Optional<string?>.Absent, presentNull);
    }

    [Fact]
    public void A_value_converts_implicitly_to_a_present_optional()
    {
        Optional<string?> optional = "x";

        Assert.True(optional.HasValue);
        Assert.Equal("x", optional.Value);
    }

    [Fact]
    public void Map_transforms_a_present_value_and_keeps_absent_absent()
    {
        Assert.Equal(Optional<int>.Of(3), Optional<string>.Of("abc").Map(s => s.Length));
        Assert.False(Optional<string>.Absent.Map(s => s.Length).HasValue);
    }

    [Fact]
    public void Map_does_not_call_the_function_when_absent()
    {
        var called = false;

        Optional<string>.Absent.Map(s =>
        {
            called = true;
            return s;
        });

        Assert.False(called);
    }
}
