using CleanUser.Application.Common.Behaviors;
using CleanUser.Application.UnitTests.Support;
using CleanUser.Application.Users;
using CleanUser.Application.Users.Commands.PatchUser;
using FluentValidation;

namespace CleanUser.Application.UnitTests.Common.Behaviors;

public class ValidationBehaviorTests
{
    private static readonly UserDto Response = new() { Id = TestDoubles.AliceId };

    private static InlineValidator<PatchUserCommand> FailingOn(string field, string code)
    {
        var validator = new InlineValidator<PatchUserCommand>();
        validator.RuleFor(c => c).Custom((_, context) =>
            context.AddFailure(new FluentValidation.Results.ValidationFailure(field, $"{field} is wrong") { ErrorCode = code }));
        return validator;
    }

    private static Task<UserDto> Handle(IEnumerable<IValidator<PatchUserCommand>> validators, RecordingNext<UserDto> next) =>
        new ValidationBehavior<PatchUserCommand, UserDto>(validators)
            .Handle(new PatchUserCommand(TestDoubles.AliceId, ProfilePatch.Empty), CancellationToken.None, next.Delegate);

    [Fact]
    public async Task Failures_from_every_validator_are_reported_together_and_the_handler_is_not_called()
    {
        var next = new RecordingNext<UserDto>(Response);

        var exception = await Assert.ThrowsAsync<ValidationException>(() =>
            Handle([FailingOn("username", "invalid"), FailingOn("bio", "max_length")], next));

        Assert.Equal(
            [("username", "invalid"), ("bio", "max_length")],
            exception.Errors.Select(e => (e.PropertyName, e.ErrorCode)));
        Assert.False(next.WasCalled);
    }

    [Fact]
    public async Task One_failing_validator_among_passing_ones_stops_the_request()
    {
        var next = new RecordingNext<UserDto>(Response);

        var exception = await Assert.ThrowsAsync<ValidationException>(() =>
            Handle([new InlineValidator<PatchUserCommand>(), FailingOn("gender", "invalid_choice")], next));

        Assert.Equal("gender", Assert.Single(exception.Errors).PropertyName);
        Assert.False(next.WasCalled);
    }

    [Fact]
    public async Task A_valid_request_reaches_the_handler()
    {
        var next = new RecordingNext<UserDto>(Response);

        var response = await Handle([new InlineValidator<PatchUserCommand>(), new InlineValidator<PatchUserCommand>()], next);

        Assert.Same(Response, response);
        Assert.Equal(1, next.Calls);
    }

    [Fact]
    public async Task A_request_without_validators_reaches_the_handler()
    {
        var next = new RecordingNext<UserDto>(Response);

        Assert.Same(Response, await Handle([], next));
    }

    [Fact]
    public async Task Validators_get_the_callers_cancellation_token()
    {
        using var cancellation = new CancellationTokenSource();
        var seen = CancellationToken.None;
        var validator = new InlineValidator<PatchUserCommand>();
        validator.RuleFor(c => c).CustomAsync((_, _, token) =>
        {
            seen = token;
            return Task.CompletedTask;
        });

        await new ValidationBehavior<PatchUserCommand, UserDto>([validator])
            .Handle(new PatchUserCommand(1, ProfilePatch.Empty), cancellation.Token, new RecordingNext<UserDto>(Response).Delegate);

        Assert.Equal(cancellation.Token, seen);
    }
}
