using CleanUser.Application.Common.Behaviors;
using CleanUser.Application.Common.Exceptions;
using CleanUser.Application.Common.Security;
using CleanUser.Application.UnitTests.Support;
using CleanUser.Application.Users;
using CleanUser.Application.Users.Commands.PatchUser;
using CleanUser.Application.Users.Queries.GetCurrentUser;
using CleanUser.Application.Users.Queries.GetUser;
using NSubstitute;

namespace CleanUser.Application.UnitTests.Common.Behaviors;

public class AuthorizationBehaviorTests
{
    private static readonly UserDto Response = new() { Id = TestDoubles.AliceId, Username = "alice" };

    private static ICurrentUser CurrentUser(Caller caller)
    {
        var currentUser = Substitute.For<ICurrentUser>();
        currentUser.Caller.Returns(caller);
        return currentUser;
    }

    private static Task<UserDto> Handle<TRequest>(TRequest request, Caller caller, RecordingNext<UserDto> next) =>
        new AuthorizationBehavior<TRequest, UserDto>(CurrentUser(caller)).Handle(request, CancellationToken.None, next.Delegate);

    [Fact]
    public async Task An_anonymous_patch_is_not_authenticated_and_goes_no_further()
    {
        var next = new RecordingNext<UserDto>(Response);

        await Assert.ThrowsAsync<NotAuthenticatedException>(() =>
            Handle(new PatchUserCommand(TestDoubles.AliceId, ProfilePatch.Empty), Caller.Anonymous, next));

        Assert.False(next.WasCalled);
    }

    [Fact]
    public async Task Patching_another_users_profile_is_forbidden_and_goes_no_further()
    {
        var next = new RecordingNext<UserDto>(Response);

        var exception = await Assert.ThrowsAsync<ForbiddenException>(() =>
            Handle(new PatchUserCommand(TestDoubles.AliceId, ProfilePatch.Empty), Caller.ForUser(TestDoubles.AliceId + 1), next));

        Assert.Equal("A user can only update their personal data.", exception.Message);
        Assert.False(next.WasCalled);
    }

    [Fact]
    public async Task Patching_the_own_profile_passes()
    {
        var next = new RecordingNext<UserDto>(Response);

        var response = await Handle(new PatchUserCommand(TestDoubles.AliceId, ProfilePatch.Empty), Caller.ForUser(TestDoubles.AliceId), next);

        Assert.Same(Response, response);
        Assert.Equal(1, next.Calls);
    }

    [Fact]
    public async Task The_system_principal_may_patch_any_profile()
    {
        var next = new RecordingNext<UserDto>(Response);

        var response = await Handle(new PatchUserCommand(TestDoubles.AliceId, ProfilePatch.Empty), Caller.System, next);

        Assert.Same(Response, response);
        Assert.Equal(1, next.Calls);
    }

    [Fact]
    public async Task Reading_a_user_needs_no_caller()
    {
        var next = new RecordingNext<UserDto>(Response);

        var response = await Handle(new GetUserQuery(TestDoubles.AliceId), Caller.Anonymous, next);

        Assert.Same(Response, response);
        Assert.Equal(1, next.Calls);
    }

    [Fact]
    public async Task Reading_the_current_user_anonymously_is_not_authenticated()
    {
        var next = new RecordingNext<UserDto>(Response);

        await Assert.ThrowsAsync<NotAuthenticatedException>(() => Handle(new GetCurrentUserQuery(), Caller.Anonymous, next));

        Assert.False(next.WasCalled);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(123)]
    public async Task Reading_the_current_user_needs_only_a_signed_in_caller(long userId)
    {
        var next = new RecordingNext<UserDto>(Response);

        await Handle(new GetCurrentUserQuery(), Caller.ForUser(userId), next);

        Assert.Equal(1, next.Calls);
    }

    [Fact]
    public async Task A_missing_next_delegate_is_refused() =>
        await Assert.ThrowsAsync<ArgumentNullException>(() =>
            new AuthorizationBehavior<GetUserQuery, UserDto>(CurrentUser(Caller.System))
                .Handle(new GetUserQuery(1), CancellationToken.None, null!));
}
