using CleanUser.Application.Common.Behaviors;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.UnitTests.Support;
using CleanUser.Application.Users;
using CleanUser.Application.Users.Commands.PatchUser;
using CleanUser.Application.Users.Queries.GetUser;
using MediatR;
using NSubstitute;

namespace CleanUser.Application.UnitTests.Common.Behaviors;

public class TransactionBehaviorTests
{
    private static readonly UserDto Response = new() { Id = TestDoubles.AliceId };

    private readonly IUnitOfWork _unitOfWork = TestDoubles.UnitOfWork();

    [Fact]
    public async Task A_command_runs_inside_the_unit_of_works_transaction()
    {
        using var cancellation = new CancellationTokenSource();
        var inTransaction = false;
        var handlerRanInTransaction = false;
        _unitOfWork.ExecuteInTransactionAsync(Arg.Any<Func<CancellationToken, Task<UserDto>>>(), Arg.Any<CancellationToken>())
            .Returns(async call =>
            {
                inTransaction = true;
                var result = await call.Arg<Func<CancellationToken, Task<UserDto>>>()(call.Arg<CancellationToken>());
                inTransaction = false;
                return result;
            });
        RequestHandlerDelegate<UserDto> next = () =>
        {
            handlerRanInTransaction = inTransaction;
            return Task.FromResult(Response);
        };

        var response = await new TransactionBehavior<PatchUserCommand, UserDto>(_unitOfWork)
            .Handle(new PatchUserCommand(TestDoubles.AliceId, ProfilePatch.Empty), cancellation.Token, next);

        Assert.Same(Response, response);
        Assert.True(handlerRanInTransaction);
        await _unitOfWork.Received(1).ExecuteInTransactionAsync(
            Arg.Any<Func<CancellationToken, Task<UserDto>>>(), cancellation.Token);
    }

    [Fact]
    public async Task A_query_does_not_open_a_transaction()
    {
        var next = new RecordingNext<UserDto>(Response);

        var response = await new TransactionBehavior<GetUserQuery, UserDto>(_unitOfWork)
            .Handle(new GetUserQuery(TestDoubles.AliceId), CancellationToken.None, next.Delegate);

        Assert.Same(Response, response);
        Assert.Equal(1, next.Calls);
        await _unitOfWork.DidNotReceiveWithAnyArgs()
            .ExecuteInTransactionAsync(Arg.Any<Func<CancellationToken, Task<UserDto>>>(), default);
    }

    [Fact]
    public async Task When_the_handler_throws_the_exception_propagates_and_nothing_after_it_runs()
    {
        var failure = new InvalidOperationException("handler failed");
        var next = new RecordingNext<UserDto>(failure);
        var reachedAfterOperation = false;
        _unitOfWork.ExecuteInTransactionAsync(Arg.Any<Func<CancellationToken, Task<UserDto>>>(), Arg.Any<CancellationToken>())
            .Returns(async call =>
            {
                var result = await call.Arg<Func<CancellationToken, Task<UserDto>>>()(call.Arg<CancellationToken>());
                reachedAfterOperation = true; // where a real unit of work would commit
                return result;
            });

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            new TransactionBehavior<PatchUserCommand, UserDto>(_unitOfWork)
                .Handle(new PatchUserCommand(TestDoubles.AliceId, ProfilePatch.Empty), CancellationToken.None, next.Delegate));

        Assert.Same(failure, thrown);
        Assert.Equal(1, next.Calls);
        Assert.False(reachedAfterOperation);
    }

    [Fact]
    public async Task When_a_query_handler_throws_the_exception_propagates()
    {
        var failure = new InvalidOperationException("query failed");

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            new TransactionBehavior<GetUserQuery, UserDto>(_unitOfWork)
                .Handle(new GetUserQuery(1), CancellationToken.None, new RecordingNext<UserDto>(failure).Delegate));

        Assert.Same(failure, thrown);
    }
}
