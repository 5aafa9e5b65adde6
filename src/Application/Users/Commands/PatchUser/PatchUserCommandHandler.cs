using AutoMapper;
using CleanUser.Application.Common.Exceptions;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.Common.Media;
using CleanUser.Application.Common.Security;
using CleanUser.Domain.Users;
using MediatR;

namespace CleanUser.Application.Users.Commands.PatchUser;

/// <summary>
/// Runs in the command's unit of work, after validation: loads the user once, hands the aggregate the values
/// the patch already holds, stores new images, saves, maps. New images were decoded before the transaction
/// (<see cref="PreparedImages"/>); each is stored under a name of its own before the commit and removed again if the
/// commit does not happen; the image it replaces is removed after commit (docs/images.md#order-of-effects).
/// </summary>
public sealed class PatchUserCommandHandler(
    IUserRepository users,
    IUnitOfWork unitOfWork,
    PreparedImages prepared,
    IMediaStorage storage,
    IClock clock,
    UsernamePolicy usernamePolicy,
    ICurrentUser currentUser,
    IMapper mapper) : IRequestHandler<PatchUserCommand, UserDto>
{
    public async Task<UserDto> Handle(PatchUserCommand request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var patch = request.Patch;
        if (patch.Violations.Count > 0)
        {
            // Only a caller that skipped the pipeline gets here; the values the patch lacks must not be dropped quietly.
            throw new InvalidOperationException("A patch with violations reached the handler: send commands through the mediator.");
        }

        var user = await LoadForChangeAsync(users, request.UserId, request.ExpectedVersions, cancellationToken).ConfigureAwait(false);
        var now = clock.UtcNow;
        if (patch.Username.HasValue &&
            user.ChangeUsername(patch.Username.Value, now, usernamePolicy.For(currentUser.Caller)) is { } released)
        {
            await users.HoldReleasedUsernameAsync(released, now, cancellationToken).ConfigureAwait(false);
        }

        user.UpdateProfile(patch.Changes, now);

        if (patch.Avatar is { SentUrl: null } avatar)
        {
            user.ChangeAvatar(await StoreAsync(avatar, user.Avatar, cancellationToken).ConfigureAwait(false), now);
        }

        if (patch.Cover is { SentUrl: null } cover)
        {
            user.ChangeCover(await StoreAsync(cover, user.Cover, cancellationToken).ConfigureAwait(false), now);
        }

        await unitOfWork.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return mapper.Map<UserDto>(user);
    }

    /// <summary>
    /// The user a command changes, loaded in its unit of work and checked against the versions the client read
    /// (404, 412). JSON Patch loads through here too.
    /// </summary>
    internal static async Task<User> LoadForChangeAsync(IUserRepository users, long userId,
        IReadOnlyCollection<long>? expectedVersions, CancellationToken cancellationToken)
    {
        var user = await users.GetByIdAsync(userId, cancellationToken).ConfigureAwait(false)
                   ?? throw new NotFoundException("user", userId);
        return expectedVersions is null || expectedVersions.Contains(user.Version) ? user : throw new PreconditionFailedException();
    }

    /// <summary>
    /// The key the image becomes (<c>null</c> for a removal). The picture the profile shows already keeps its key:
    /// nothing is stored and nothing changes. Any other is stored under a new key, removed again if the change does
    /// not commit — no one else can have taken up that key in between (docs/adr/0012-image-processing-and-files.md).
    /// </summary>
    private async Task<string?> StoreAsync(ImageEdit edit, string? current, CancellationToken cancellationToken)
    {
        if (edit.Upload is null)
        {
            return null;
        }

        var image = prepared.Get(edit.Upload);
        if (MediaKeys.HasContentOf(current, image))
        {
            return current;
        }

        var key = MediaKeys.NewKey(edit.Kind, image);
        await storage.SaveAsync(key, image, cancellationToken).ConfigureAwait(false);
        unitOfWork.OnRollback(ct => storage.DeleteAsync(key, ct));
        return key;
    }
}
