using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.Common.Security;
using CleanUser.Application.Users.Commands.PatchUser;
using CleanUser.Domain.Users;
using NSubstitute;

namespace CleanUser.Application.UnitTests.Support;

/// <summary>
/// The ports of a profile change, substituted, around one user: the repository finds <see cref="Alice"/> under
/// <see cref="TestDoubles.AliceId"/>, the media URLs are <see cref="TestDoubles.MediaUrls"/>, the clock says
/// <see cref="TestDoubles.Now"/>, and every other port answers its defaults until a test says otherwise. The real
/// validator and handler are built over them.
/// </summary>
public abstract class PatchUserTestBase
{
    protected PatchUserTestBase()
    {
        Users.GetByIdAsync(TestDoubles.AliceId, Arg.Any<CancellationToken>()).Returns(_ => Task.FromResult<User?>(Alice));
        Caller.ActAs(Application.Common.Security.Caller.ForUser(TestDoubles.AliceId));
        Facts(free => free);
    }

    protected IUserRepository Users { get; } = Substitute.For<IUserRepository>();

    protected IUsernameUniquenessChecker Uniqueness { get; } = Substitute.For<IUsernameUniquenessChecker>();

    /// <summary>Who sends the commands: Alice herself, unless a test acts as someone else.</summary>
    protected CurrentCaller Caller { get; } = new();

    /// <summary>The username policy of validator and handler: the defaults, unless a test sets another before it acts.</summary>
    protected UsernamePolicy Policy { get; set; } = UsernamePolicy.Default;

    protected IUnitOfWork UnitOfWork { get; } = Substitute.For<IUnitOfWork>();

    protected IImageProcessor Images { get; } = Substitute.For<IImageProcessor>();

    protected IMediaStorage Storage { get; } = Substitute.For<IMediaStorage>();

    protected IMediaUrls MediaUrls { get; } = TestDoubles.MediaUrls();

    /// <summary>The user the repository finds: Alice just registered, unless a test gives another before it acts.</summary>
    protected User Alice { get; set; } = TestDoubles.Alice();

    protected PatchUserCommandValidator Validator(ReservedUsernames? reserved = null) =>
        new(reserved ?? ReservedUsernames.Default, Policy, Uniqueness, Caller, TestDoubles.Clock(), Users, MediaUrls, Images);

    protected PatchUserCommandHandler Handler() =>
        new(Users, UnitOfWork, Images, Storage, TestDoubles.Clock(), Policy, Caller, TestDoubles.Mapper(MediaUrls));

    /// <summary>
    /// What the checker answers about any name: <paramref name="facts"/> of the free answer for <see cref="Alice"/> as she
    /// is when asked (her name and last rename; nothing taken, alike or held).
    /// </summary>
    protected void Facts(Func<UsernameFacts, UsernameFacts> facts) =>
        Uniqueness.GetFactsAsync(Arg.Any<Username>(), Arg.Any<long>(), Arg.Any<DateTimeOffset>(), Arg.Any<CancellationToken>())
            .Returns(_ => facts(new UsernameFacts(Alice.Username, Alice.UsernameChangedAt, false, false, false, false)));

    /// <summary>Nothing was written: the unit of work was never asked to save.</summary>
    protected void AssertNothingSaved() => UnitOfWork.DidNotReceiveWithAnyArgs().SaveChangesAsync(default);
}
