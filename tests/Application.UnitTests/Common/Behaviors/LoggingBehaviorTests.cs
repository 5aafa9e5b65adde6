using CleanUser.Application.Common.Behaviors;
using CleanUser.Application.Common.Exceptions;
using CleanUser.Application.Common.Security;
using CleanUser.Application.UnitTests.Support;
using CleanUser.Application.Users;
using CleanUser.Application.Users.Commands.PatchUser;
using CleanUser.Domain.Common;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.Extensions.Logging;
using NSubstitute;

namespace CleanUser.Application.UnitTests.Common.Behaviors;

public class LoggingBehaviorTests
{
    private static readonly UserDto Response = new() { Id = TestDoubles.AliceId };

    private readonly RecordingLogger<LoggingBehavior<PatchUserCommand, UserDto>> _logger = new();

    private Task<UserDto> Handle(RecordingNext<UserDto> next)
    {
        var currentUser = Substitute.For<ICurrentUser>();
        currentUser.Caller.Returns(Caller.ForUser(TestDoubles.AliceId));
        return new LoggingBehavior<PatchUserCommand, UserDto>(_logger, currentUser)
            .Handle(new PatchUserCommand(TestDoubles.AliceId, ProfilePatch.Empty), CancellationToken.None, next.Delegate);
    }

    [Fact]
    public async Task A_handled_request_returns_the_response_and_logs_at_debug()
    {
        var response = await Handle(new RecordingNext<UserDto>(Response));

        Assert.Same(Response, response);
        var (level, message, exception) = Assert.Single(_logger.Entries);
        Assert.Equal(LogLevel.Debug, level);
        Assert.Contains("PatchUserCommand for user 7 handled", message, StringComparison.Ordinal);
        Assert.Null(exception);
    }

    public static TheoryData<Exception> ExpectedFailures => new()
    {
        new ValidationException([new ValidationFailure("username", "bad")]),
        new InvalidValueException("avatar", RuleViolation.Invalid("bad")),
        new AccountNotEditableException(new RuleViolation(RuleCodes.AccountBlocked, "blocked")),
        new NotAuthenticatedException(),
        new ForbiddenException("no"),
        new NotFoundException("user", 1),
        new ConflictException("precondition_failed", "changed"),
        new OperationCanceledException(),
    };

    [Theory]
    [MemberData(nameof(ExpectedFailures))]
    public async Task An_expected_failure_is_rethrown_unchanged_and_logged_quietly(Exception failure)
    {
        var thrown = await Assert.ThrowsAnyAsync<Exception>(() => Handle(new RecordingNext<UserDto>(failure)));

        Assert.Same(failure, thrown);
        var (level, message, exception) = Assert.Single(_logger.Entries);
        Assert.Equal(LogLevel.Information, level);
        Assert.Contains($"refused ({failure.GetType().Name})", message, StringComparison.Ordinal);
        Assert.Null(exception);
    }

    [Fact]
    public async Task An_unexpected_failure_is_rethrown_unchanged_and_logged_as_an_error_with_the_exception()
    {
        var failure = new InvalidOperationException("database is on fire");

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => Handle(new RecordingNext<UserDto>(failure)));

        Assert.Same(failure, thrown);
        var (level, message, exception) = Assert.Single(_logger.Entries);
        Assert.Equal(LogLevel.Error, level);
        Assert.Contains("PatchUserCommand for user 7 failed", message, StringComparison.Ordinal);
        Assert.Same(failure, exception);
    }
}
