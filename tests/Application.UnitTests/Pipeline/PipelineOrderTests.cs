using CleanUser.Application.Common.Behaviors;
using CleanUser.Application.Common.Exceptions;
using CleanUser.Application.Common.Security;
using CleanUser.Application.UnitTests.Support;
using CleanUser.Application.Users;
using CleanUser.Application.Users.Commands.PatchUser;
using CleanUser.Application.Users.Queries.GetCurrentUser;
using CleanUser.Application.Users.Queries.GetUser;
using CleanUser.Domain.Common;
using CleanUser.Domain.Users;
using FluentValidation;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NSubstitute;

namespace CleanUser.Application.UnitTests.Pipeline;

public class PipelineOrderTests
{
    private static readonly Caller Owner = Caller.ForUser(TestDoubles.AliceId);

    private static void OneTransaction(ApplicationContainer app) =>
        _ = app.UnitOfWork.Received(1).ExecuteInTransactionAsync(Arg.Any<Func<CancellationToken, Task<UserDto>>>(), Arg.Any<CancellationToken>());

    private static void NoTransaction(ApplicationContainer app) =>
        _ = app.UnitOfWork.DidNotReceiveWithAnyArgs()
            .ExecuteInTransactionAsync(Arg.Any<Func<CancellationToken, Task<UserDto>>>(), default);

    [Fact]
    public void Behaviors_are_registered_logging_then_authorization_then_validation_then_transaction()
    {
        using var app = new ApplicationContainer();
        using var scope = app.As(Owner);

        var behaviors = scope.Services.GetServices<IPipelineBehavior<PatchUserCommand, UserDto>>()
            .Select(b => b.GetType().GetGenericTypeDefinition());

        Assert.Equal(
            [typeof(LoggingBehavior<,>), typeof(AuthorizationBehavior<,>), typeof(ValidationBehavior<,>), typeof(TransactionBehavior<,>)],
            behaviors);
    }

    [Fact]
    public async Task An_anonymous_patch_fails_with_401_before_validation_runs()
    {
        var spy = Substitute.For<IValidator<PatchUserCommand>>();
        spy.ValidateAsync(Arg.Any<PatchUserCommand>(), Arg.Any<CancellationToken>()).Returns(new FluentValidation.Results.ValidationResult());
        using var app = new ApplicationContainer(services => services.AddScoped(_ => spy));
        using var scope = app.As(Caller.Anonymous);

        await Assert.ThrowsAsync<NotAuthenticatedException>(() =>
            scope.Mediator.Send(new PatchUserCommand(TestDoubles.AliceId, ProfilePatch.Of(("username", "not a valid name")))));

        await spy.DidNotReceiveWithAnyArgs().ValidateAsync(default(PatchUserCommand)!, default);
        await app.Users.DidNotReceiveWithAnyArgs().GetByIdAsync(default, default);
        NoTransaction(app);

        // Control: the spy is wired in, and an authenticated owner does reach it.
        using var ownerScope = app.As(Owner);
        await Assert.ThrowsAsync<ValidationException>(() =>
            ownerScope.Mediator.Send(new PatchUserCommand(TestDoubles.AliceId, ProfilePatch.Of(("username", "not a valid name")))));
        await spy.ReceivedWithAnyArgs(1).ValidateAsync(default(PatchUserCommand)!, default);
    }

    [Fact]
    public async Task A_patch_of_someone_elses_profile_fails_with_403_before_validation_runs()
    {
        using var app = new ApplicationContainer();
        using var scope = app.As(Caller.ForUser(TestDoubles.AliceId + 1));

        await Assert.ThrowsAsync<ForbiddenException>(() =>
            scope.Mediator.Send(new PatchUserCommand(TestDoubles.AliceId, ProfilePatch.Of(("username", "not a valid name")))));

        NoTransaction(app);
    }

    [Fact]
    public async Task Logging_wraps_authorization_so_a_refused_request_is_logged()
    {
        using var app = new ApplicationContainer();
        using var scope = app.As(Caller.Anonymous);

        await Assert.ThrowsAsync<NotAuthenticatedException>(() => scope.Mediator.Send(new PatchUserCommand(TestDoubles.AliceId, ProfilePatch.Empty)));

        Assert.Contains(app.Logs.Entries, e =>
            e.Category.Contains("LoggingBehavior", StringComparison.Ordinal) &&
            e.Level == LogLevel.Information &&
            e.Message.Contains("refused (NotAuthenticatedException)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Validation_runs_before_the_transaction_is_opened()
    {
        using var app = new ApplicationContainer();
        using var scope = app.As(Owner);

        var exception = await Assert.ThrowsAsync<ValidationException>(() =>
            scope.Mediator.Send(new PatchUserCommand(TestDoubles.AliceId, ProfilePatch.Of(("username", "not a valid name"), ("gender", "other")))));

        Assert.Equal([UserFields.Username, UserFields.Gender], exception.Errors.Select(e => e.PropertyName));
        NoTransaction(app);
        await app.Users.DidNotReceiveWithAnyArgs().GetByIdAsync(default, default);
        await app.UnitOfWork.DidNotReceiveWithAnyArgs().SaveChangesAsync(default);
    }

    [Fact]
    public async Task A_taken_username_is_a_validation_failure_with_code_unique()
    {
        using var app = new ApplicationContainer();
        app.Uniqueness.IsTakenByAnotherUserAsync(Arg.Any<Username>(), TestDoubles.AliceId, Arg.Any<CancellationToken>()).Returns(true);
        using var scope = app.As(Owner);

        var exception = await Assert.ThrowsAsync<ValidationException>(() =>
            scope.Mediator.Send(new PatchUserCommand(TestDoubles.AliceId, ProfilePatch.Of(("username", "bob")))));

        var failure = Assert.Single(exception.Errors);
        Assert.Equal((UserFields.Username, RuleCodes.Unique), (failure.PropertyName, failure.ErrorCode));
        NoTransaction(app);
    }

    [Fact]
    public async Task A_valid_patch_by_the_owner_reaches_the_handler_inside_the_transaction_and_returns_the_user()
    {
        using var app = new ApplicationContainer();
        var savedInsideTransaction = false;
        var inTransaction = false;
        app.UnitOfWork.ExecuteInTransactionAsync(Arg.Any<Func<CancellationToken, Task<UserDto>>>(), Arg.Any<CancellationToken>())
            .Returns(async call =>
            {
                inTransaction = true;
                try
                {
                    return await call.Arg<Func<CancellationToken, Task<UserDto>>>()(call.Arg<CancellationToken>());
                }
                finally
                {
                    inTransaction = false;
                }
            });
        app.UnitOfWork.When(u => u.SaveChangesAsync(Arg.Any<CancellationToken>())).Do(_ => savedInsideTransaction = inTransaction);
        using var scope = app.As(Owner);

        var dto = await scope.Mediator.Send(new PatchUserCommand(TestDoubles.AliceId, ProfilePatch.Of(("username", "Alice_L"), ("bio", " Hello "))));

        Assert.Equal("Alice_L", dto.Username);
        Assert.Equal("Hello", dto.Bio);
        Assert.Equal("Alice_L", app.Alice.Username.Value);
        Assert.True(savedInsideTransaction);
        await app.UnitOfWork.Received(1).SaveChangesAsync(Arg.Any<CancellationToken>());
        OneTransaction(app);
    }

    [Fact]
    public async Task The_system_principal_goes_through_the_same_validation()
    {
        using var app = new ApplicationContainer();
        using var scope = app.As(Caller.System);

        await Assert.ThrowsAsync<ValidationException>(() =>
            scope.Mediator.Send(new PatchUserCommand(TestDoubles.AliceId, ProfilePatch.Of(("bio", new string('x', 5001))))));
        var dto = await scope.Mediator.Send(new PatchUserCommand(TestDoubles.AliceId, ProfilePatch.Of(("bio", "ok"))));

        Assert.Equal("ok", dto.Bio);
    }

    [Fact]
    public async Task Reading_a_user_works_anonymously_without_a_transaction()
    {
        using var app = new ApplicationContainer();
        using var scope = app.As(Caller.Anonymous);

        var dto = await scope.Mediator.Send(new GetUserQuery(TestDoubles.AliceId));

        Assert.Equal("alice", dto.Username);
        NoTransaction(app);
    }

    [Fact]
    public async Task Reading_an_unknown_user_is_not_found()
    {
        using var app = new ApplicationContainer();
        using var scope = app.As(Caller.Anonymous);

        await Assert.ThrowsAsync<NotFoundException>(() => scope.Mediator.Send(new GetUserQuery(999)));
    }

    [Fact]
    public async Task Reading_me_anonymously_fails_with_401()
    {
        using var app = new ApplicationContainer();
        using var scope = app.As(Caller.Anonymous);

        await Assert.ThrowsAsync<NotAuthenticatedException>(() => scope.Mediator.Send(new GetCurrentUserQuery()));
        await app.Users.DidNotReceiveWithAnyArgs().GetByIdAsync(default, default);
    }

    [Fact]
    public async Task Reading_me_returns_the_callers_user()
    {
        using var app = new ApplicationContainer();
        using var scope = app.As(Owner);

        var dto = await scope.Mediator.Send(new GetCurrentUserQuery());

        Assert.Equal("alice", dto.Username);
        await app.Users.Received(1).GetByIdAsync(TestDoubles.AliceId, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task The_system_principal_has_no_me()
    {
        using var app = new ApplicationContainer();
        using var scope = app.As(Caller.System);

        await Assert.ThrowsAsync<NotFoundException>(() => scope.Mediator.Send(new GetCurrentUserQuery()));
    }

    [Fact]
    public void Every_scope_starts_anonymous()
    {
        using var app = new ApplicationContainer();
        using var scope = app.Root.CreateScope();

        Assert.Equal(Caller.Anonymous, scope.ServiceProvider.GetRequiredService<ICurrentUser>().Caller);
    }

    [Fact]
    public void The_current_user_is_the_scopes_current_caller()
    {
        using var app = new ApplicationContainer();
        using var scope = app.As(Owner);

        Assert.Same(scope.Services.GetRequiredService<CurrentCaller>(), scope.Services.GetRequiredService<ICurrentUser>());
        Assert.Equal(Owner, scope.Services.GetRequiredService<ICurrentUser>().Caller);
    }
}
