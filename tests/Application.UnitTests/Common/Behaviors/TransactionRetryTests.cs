using CleanUser.Application.Common.Behaviors;
using CleanUser.Application.Common.Exceptions;
using CleanUser.Application.UnitTests.Support;
using CleanUser.Application.Users;
using CleanUser.Application.Users.Commands.PatchUser;
using MediatR;

namespace CleanUser.Application.UnitTests.Common.Behaviors;

/// <summary>An optimistic-concurrency conflict is retried without If-Match, and is a 412 with it.</summary>
public class TransactionRetryTests
{
    private static readonly UserDto Response = new() { Id = TestDoubles.AliceId };

    private static ConcurrencyConflictException Conflict() => new(new InvalidOperationException("row changed"));

    private static RequestHandlerDelegate<UserDto> FailingTimes(int failures, Func<int> onCall)
    {
        var calls = 0;
        return () =>
        {
            calls++;
            onCall();
            return calls <= failures ? throw Conflict() : Task.FromResult(Response);
        };
    }

    [Fact]
    public async Task A_conflict_without_If_Match_runs_the_command_again_until_it_succeeds()
    {
        var attempts = 0;
        var next = FailingTimes(2, () => ++attempts);

        var response = await new TransactionBehavior<PatchUserCommand, UserDto>(TestDoubles.UnitOfWork())
            .Handle(new PatchUserCommand(TestDoubles.AliceId, ProfilePatch.Empty), CancellationToken.None, next);

        Assert.Same(Response, response);
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task A_conflict_with_If_Match_is_a_failed_precondition_and_is_not_retried()
    {
        var attempts = 0;
        var next = FailingTimes(1, () => ++attempts);
        var command = new PatchUserCommand(TestDoubles.AliceId, ProfilePatch.Empty) { ExpectedVersions = [3] };

        await Assert.ThrowsAsync<PreconditionFailedException>(() =>
            new TransactionBehavior<PatchUserCommand, UserDto>(TestDoubles.UnitOfWork()).Handle(command, CancellationToken.None, next));
        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task A_conflict_that_keeps_happening_ends_as_409_conflict_after_a_bounded_number_of_attempts()
    {
        var attempts = 0;
        var next = FailingTimes(int.MaxValue, () => ++attempts);

        var conflict = await Assert.ThrowsAsync<ConflictException>(() =>
            new TransactionBehavior<PatchUserCommand, UserDto>(TestDoubles.UnitOfWork())
                .Handle(new PatchUserCommand(TestDoubles.AliceId, ProfilePatch.Empty), CancellationToken.None, next));

        Assert.Equal("conflict", conflict.Code);
        Assert.Equal(TransactionBehavior<PatchUserCommand, UserDto>.MaxAttempts, attempts);
    }
}
