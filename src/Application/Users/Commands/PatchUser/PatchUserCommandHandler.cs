using AutoMapper;
using CleanUser.Application.Common.Exceptions;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.Common.Media;
using CleanUser.Application.Common.Security;
using FluentValidation;
using FluentValidation.Results;
using CleanUser.Domain.Users;
using MediatR;

namespace CleanUser.Application.Users.Commands.PatchUser;

/// <summary>
/// Runs inside the command's transaction, after validation: loads the user once, hands the aggregate the values
/// the patch already holds, stores new images, saves, maps. New images are stored before the commit and removed
/// again if it does not happen; the image they replace is removed after commit (docs/images.md).
/// </summary>
public sealed class PatchUserCommandHandler(
    IUserRepository users,
    IUnitOfWork unitOfWork,
    IImageProcessor images,
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

        user.UpdateProfile(patch.Changes);

        // Decode every new image before storing any, so a bad one leaves storage as it was. Corrupt pixel data
        // shows only now; the validator has already checked everything that needs no decoding.
        var avatar = await ProcessAsync(patch.Avatar, cancellationToken).ConfigureAwait(false);
        var cover = await ProcessAsync(patch.Cover, cancellationToken).ConfigureAwait(false);
        var refused = new[] { avatar, cover }.Where(r => r.Violation is not null).ToList();
        if (refused.Count > 0)
        {
            throw new ValidationException(refused.Select(r =>
                new ValidationFailure(r.Edit!.Field.Name, r.Violation!.Message) { ErrorCode = r.Violation.Code }));
        }

        if (patch.Avatar is { SentUrl: null })
        {
            user.ChangeAvatar(await StoreAsync(avatar.Image, ImageKind.Avatar, cancellationToken).ConfigureAwait(false), now);
        }

        if (patch.Cover is { SentUrl: null })
        {
            user.ChangeCover(await StoreAsync(cover.Image, ImageKind.Cover, cancellationToken).ConfigureAwait(false), now);
        }

        await unitOfWork.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return mapper.Map<UserDto>(user);
    }

    /// <summary>
    /// The user a command changes, loaded inside its transaction and checked against the versions the client read
    /// (404, 412). JSON Patch loads through here too.
    /// </summary>
    internal static async Task<User> LoadForChangeAsync(IUserRepository users, long userId,
        IReadOnlyCollection<long>? expectedVersions, CancellationToken cancellationToken)
    {
        var user = await users.GetByIdAsync(userId, cancellationToken).ConfigureAwait(false)
                   ?? throw new NotFoundException("user", userId);
        return expectedVersions is null || expectedVersions.Contains(user.Version) ? user : throw new PreconditionFailedException();
    }

    private readonly record struct Processed(ImageEdit? Edit, ProcessedImage? Image, Domain.Common.RuleViolation? Violation);

    private async Task<Processed> ProcessAsync(ImageEdit? edit, CancellationToken cancellationToken)
    {
        if (edit?.Upload is not { } upload)
        {
            return new Processed(edit, null, null);
        }

        var result = await images.ProcessAsync(upload, edit.Kind, cancellationToken).ConfigureAwait(false);
        return new Processed(edit, result.Image, result.Violation);
    }

    /// <summary>
    /// Stores the image and returns its key (<c>null</c> for a removal). A file this request created is removed
    /// again if the change does not commit; one that was already there (the same picture) is left alone.
    /// </summary>
    private async Task<string?> StoreAsync(ProcessedImage? image, ImageKind kind, CancellationToken cancellationToken)
    {
        if (image is null)
        {
            return null;
        }

        var stored = await storage.SaveAsync(MediaKeys.FolderFor(kind), image, cancellationToken).ConfigureAwait(false);
        if (stored.Created)
        {
            unitOfWork.OnRollback(ct => storage.DeleteAsync(stored.Key, ct));
        }

        return stored.Key;
    }
}
