using CleanUser.Application.Common.Behaviors;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.Common.Media;
using CleanUser.Application.Users;
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
        Images.ProcessAsync(default!, default, default).ReturnsForAnyArgs(ImageProcessingResult.Success(Processed));
        Prepared = new PreparedImages(Images);
    }

    /// <summary>What <see cref="Images"/> makes of any upload, unless a test says otherwise.</summary>
    protected static ProcessedImage Processed { get; } = new([0xFF, 0xD8, 0xFF], "image/jpeg", "jpg", 512, 512);

    protected IUserRepository Users { get; } = Substitute.For<IUserRepository>();

    protected IUsernameUniquenessChecker Uniqueness { get; } = Substitute.For<IUsernameUniquenessChecker>();

    protected IUnitOfWork UnitOfWork { get; } = Substitute.For<IUnitOfWork>();

    protected IImageProcessor Images { get; } = Substitute.For<IImageProcessor>();

    protected IMediaStorage Storage { get; } = Substitute.For<IMediaStorage>();

    protected IMediaUrls MediaUrls { get; } = TestDoubles.MediaUrls();

    /// <summary>The request's prepared images, shared by the validator and the handler as in one request's scope.</summary>
    protected PreparedImages Prepared { get; }

    /// <summary>The user the repository finds: Alice just registered, unless a test gives another before it acts.</summary>
    protected User Alice { get; set; } = TestDoubles.Alice();

    protected PatchUserCommandValidator Validator(ReservedUsernames? reserved = null) =>
        new(reserved ?? ReservedUsernames.Default, Uniqueness, TestDoubles.Clock(), Users, MediaUrls, Images, Prepared);

    protected PatchUserCommandHandler Handler() =>
        new(Users, UnitOfWork, Prepared, Storage, TestDoubles.Clock(), TestDoubles.Mapper(MediaUrls));

    /// <summary>One request through the validator and then the handler, joined as the validation behavior joins them.</summary>
    protected Task<UserDto> Send(PatchUserCommand command) =>
        new ValidationBehavior<PatchUserCommand, UserDto>([Validator()])
            .Handle(command, CancellationToken.None, () => Handler().Handle(command, CancellationToken.None));

    /// <summary>Nothing was written: the unit of work was never asked to save.</summary>
    protected void AssertNothingSaved() => UnitOfWork.DidNotReceiveWithAnyArgs().SaveChangesAsync(default);
}
