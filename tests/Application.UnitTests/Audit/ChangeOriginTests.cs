using CleanUser.Application.Audit;
using CleanUser.Application.Common.Security;

namespace CleanUser.Application.UnitTests.Audit;

/// <summary>Who and where an audit entry names (docs/security.md#audit-trail), and the cut of what a client sends.</summary>
public class ChangeOriginTests
{
    private static ChangeOrigin For(Caller caller)
    {
        var current = new CurrentCaller();
        current.ActAs(caller);
        return new ChangeOrigin(current);
    }

    [Fact]
    public void Without_a_channel_set_a_change_comes_from_a_module_with_no_request()
    {
        var origin = For(Caller.System);

        Assert.Equal(("module", "system", null, null, null), (origin.Channel, origin.Actor, origin.RequestId, origin.ClientIp, origin.UserAgent));
    }

    [Fact]
    public void The_actor_is_the_signed_in_user_and_anything_else_is_the_system()
    {
        Assert.Equal("user:42", For(Caller.ForUser(42)).Actor);
        Assert.Equal("system", For(Caller.System).Actor);
        Assert.Equal("system", For(Caller.Anonymous).Actor);
    }

    [Fact]
    public void Over_http_an_overlong_user_agent_is_cut_and_empty_values_are_none()
    {
        var origin = For(Caller.ForUser(1));

        origin.FromHttp("req-1", "", new string('a', 600));

        Assert.Equal(("http", "req-1", null), (origin.Channel, origin.RequestId, origin.ClientIp));
        Assert.Equal(new string('a', ChangeOrigin.MaxUserAgentLength), origin.UserAgent);
    }

    [Fact]
    public void A_cut_never_splits_a_character_in_two()
    {
        var origin = For(Caller.ForUser(1));
        var agent = new string('a', ChangeOrigin.MaxUserAgentLength - 1) + "😀" + "tail";

        origin.FromHttp("req-1", "127.0.0.1", agent);

        Assert.Equal(new string('a', ChangeOrigin.MaxUserAgentLength - 1), origin.UserAgent);
    }

    [Fact]
    public void The_cli_marks_its_changes_without_a_request()
    {
        var origin = For(Caller.System);

        origin.FromCli();

        Assert.Equal(("cli", null), (origin.Channel, origin.RequestId));
    }
}
