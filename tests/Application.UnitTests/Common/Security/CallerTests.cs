using CleanUser.Application.Common.Security;

namespace CleanUser.Application.UnitTests.Common.Security;

public class CallerTests
{
    [Fact]
    public void A_new_current_caller_is_anonymous() => Assert.Equal(Caller.Anonymous, new CurrentCaller().Caller);

    [Fact]
    public void Acting_as_a_caller_changes_the_current_caller()
    {
        var current = new CurrentCaller();

        current.ActAs(Caller.ForUser(7));

        Assert.Equal(CallerKind.User, current.Caller.Kind);
        Assert.Equal(7, current.Caller.UserId);
    }

    [Fact]
    public void Anonymous_and_system_callers_have_no_user_id()
    {
        Assert.Null(Caller.Anonymous.UserId);
        Assert.Null(Caller.System.UserId);
        Assert.Equal(CallerKind.System, Caller.System.Kind);
    }

    [Fact]
    public void Callers_for_the_same_user_are_equal() => Assert.Equal(Caller.ForUser(7), Caller.ForUser(7));

    [Theory]
    [InlineData(CallerKind.Anonymous, "anonymous")]
    [InlineData(CallerKind.System, "system")]
    [InlineData(CallerKind.User, "user 7")]
    public void Callers_describe_themselves_for_logs(CallerKind kind, string expected)
    {
        var caller = kind switch
        {
            CallerKind.Anonymous => Caller.Anonymous,
            CallerKind.System => Caller.System,
            _ => Caller.ForUser(7),
        };

        Assert.Equal(expected, caller.ToString());
    }
}
