using CleanUser.Application.Common.Exceptions;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.Common.Security;
using CleanUser.Application.UnitTests.Support;
using CleanUser.Application.Users;
using CleanUser.Application.Users.Queries.GetCurrentUser;
using CleanUser.Application.Users.Queries.GetUser;
using NSubstitute;

namespace CleanUser.Application.UnitTests.Users.Queries;

public class UserQueryHandlerTests
{
    private readonly IUserReader _users = Substitute.For<IUserReader>();

    public UserQueryHandlerTests() =>
        _users.ReadAsync(TestDoubles.AliceId, Arg.Any<CancellationToken>())
            .Returns(Task.FromResult<UserDto?>(new UserDto { Id = TestDoubles.AliceId, Username = "alice" }));

    [Fact]
    public async Task Get_user_of_an_unknown_id_is_not_found()
    {
        var exception = await Assert.ThrowsAsync<NotFoundException>(() =>
            new GetUserQueryHandler(_users).Handle(new GetUserQuery(404), CancellationToken.None));

        Assert.Equal("user", exception.Resource);
        Assert.Equal(404L, exception.Key);
    }

    private static ICurrentUser CurrentUser(Caller caller)
    {
        var currentUser = Substitute.For<ICurrentUser>();
        currentUser.Caller.Returns(caller);
        return currentUser;
    }

    private Task<UserDto> GetCurrentUser(Caller caller, CancellationToken cancellationToken = default) =>
        new GetCurrentUserQueryHandler(CurrentUser(caller), _users)
            .Handle(new GetCurrentUserQuery(), cancellationToken);

    [Fact]
    public async Task Get_current_user_reads_the_callers_own_user()
    {
        using var cancellation = new CancellationTokenSource();

        var dto = await GetCurrentUser(Caller.ForUser(TestDoubles.AliceId), cancellation.Token);

        Assert.Equal("alice", dto.Username);
        await _users.Received(1).ReadAsync(TestDoubles.AliceId, cancellation.Token);
    }

    [Fact]
    public async Task Get_current_user_for_the_system_principal_is_not_found()
    {
        var exception = await Assert.ThrowsAsync<NotFoundException>(() => GetCurrentUser(Caller.System));

        Assert.Equal("me", exception.Key);
        await _users.DidNotReceiveWithAnyArgs().ReadAsync(default, default);
    }

    [Fact]
    public async Task Get_current_user_whose_user_is_gone_is_not_found()
    {
        var exception = await Assert.ThrowsAsync<NotFoundException>(() => GetCurrentUser(Caller.ForUser(404)));

        Assert.Equal("user", exception.Resource);
        Assert.Equal(404L, exception.Key);
    }
}
