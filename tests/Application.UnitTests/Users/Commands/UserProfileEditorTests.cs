using CleanUser.Application.Common.Exceptions;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.UnitTests.Support;
using CleanUser.Application.Users.Commands.PatchUser;
using CleanUser.Domain.Users;
using NSubstitute;

namespace CleanUser.Application.UnitTests.Users.Commands;

public class UserProfileEditorTests
{
    private readonly IUserRepository _users = Substitute.For<IUserRepository>();
    private readonly User _alice = TestDoubles.Alice();

    public UserProfileEditorTests() =>
        _users.GetByIdAsync(TestDoubles.AliceId, Arg.Any<CancellationToken>()).Returns(Task.FromResult<User?>(_alice));

    private UserProfileEditor Editor() => new(_users, Substitute.For<IUsernameUniquenessChecker>(), ReservedUsernames.Default,
        TestDoubles.Clock(), TestDoubles.MediaUrls(), Substitute.For<IImageProcessor>(), Substitute.For<IMediaStorage>(),
        Substitute.For<IUnitOfWork>());

    [Fact]
    public async Task Loading_without_expected_versions_accepts_any_version()
    {
        var user = await Editor().LoadAsync(TestDoubles.AliceId, null, CancellationToken.None);

        Assert.Same(_alice, user);
    }

    [Fact]
    public async Task Loading_with_the_current_version_among_the_expected_ones_succeeds()
    {
        var user = await Editor().LoadAsync(TestDoubles.AliceId, [41, _alice.Version], CancellationToken.None);

        Assert.Same(_alice, user);
    }

    [Fact]
    public async Task Loading_with_a_stale_version_is_a_failed_precondition()
    {
        await Assert.ThrowsAsync<PreconditionFailedException>(() =>
            Editor().LoadAsync(TestDoubles.AliceId, [_alice.Version + 1], CancellationToken.None));
    }

    [Fact]
    public async Task Loading_with_an_empty_set_of_versions_matches_nothing()
    {
        await Assert.ThrowsAsync<PreconditionFailedException>(() => Editor().LoadAsync(TestDoubles.AliceId, [], CancellationToken.None));
    }

    [Fact]
    public async Task Loading_a_missing_user_is_not_found()
    {
        await Assert.ThrowsAsync<NotFoundException>(() => Editor().LoadAsync(99, null, CancellationToken.None));
    }
}
