using CleanUser.Application.Common.Exceptions;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.Common.Security;
using CleanUser.Application.UnitTests.Support;
using CleanUser.Application.Users;
using CleanUser.Application.Users.Queries.GetCurrentUser;
using CleanUser.Application.Users.Queries.GetUser;
using CleanUser.Domain.Users;
using MediatR;
using NSubstitute;

namespace CleanUser.Application.UnitTests.Users.Queries;

public class UserQueryHandlerTests
{
    private readonly IUserRepository _users = Substitute.For<IUserRepository>();
    private readonly IMediaUrls _mediaUrls = TestDoubles.MediaUrls();

    public UserQueryHandlerTests() =>
        _users.GetByIdAsync(TestDoubles.AliceId, Arg.Any<CancellationToken>()).Returns(Task.FromResult<User?>(TestDoubles.Alice()));

    [Fact]
    public async Task Get_user_returns_the_mapped_user()
    {
        var dto = await new GetUserQueryHandler(_users, TestDoubles.Mapper(_mediaUrls))
            .Handle(new GetUserQuery(TestDoubles.AliceId), CancellationToken.None);

        Assert.Equal("alice", dto.Username);
    }

    [Fact]
    public async Task Get_user_of_an_unknown_id_is_not_found()
    {
        var exception = await Assert.ThrowsAsync<NotFoundException>(() =>
            new GetUserQueryHandler(_users, TestDoubles.Mapper(_mediaUrls)).Handle(new GetUserQuery(404), CancellationToken.None));

        Assert.Equal("user", exception.Resource);
        Assert.Equal(404L, exception.Key);
    }

    [Fact]
    public async Task Get_current_user_asks_for_the_callers_own_id()
    {
        var currentUser = Substitute.For<ICurrentUser>();
        currentUser.Caller.Returns(Caller.ForUser(TestDoubles.AliceId));
        var mediator = Substitute.For<IMediator>();
        var expected = new UserDto { Id = TestDoubles.AliceId };
        mediator.Send(new GetUserQuery(TestDoubles.AliceId), Arg.Any<CancellationToken>()).Returns(expected);

        var dto = await new GetCurrentUserQueryHandler(currentUser, mediator).Handle(new GetCurrentUserQuery(), CancellationToken.None);

        Assert.Same(expected, dto);
    }

    [Fact]
    public async Task Get_current_user_for_the_system_principal_is_not_found()
    {
        var currentUser = Substitute.For<ICurrentUser>();
        currentUser.Caller.Returns(Caller.System);

        var exception = await Assert.ThrowsAsync<NotFoundException>(() =>
            new GetCurrentUserQueryHandler(currentUser, Substitute.For<IMediator>()).Handle(new GetCurrentUserQuery(), CancellationToken.None));

        Assert.Equal("me", exception.Key);
    }
}
