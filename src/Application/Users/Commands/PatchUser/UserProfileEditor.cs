using CleanUser.Application.Common.Exceptions;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.Common.Media;
using CleanUser.Domain.Common;
using CleanUser.Domain.Users;
using FluentValidation;
using FluentValidation.Results;

namespace CleanUser.Application.Users.Commands.PatchUser;

/// <summary>
/// Applies the fields of a <see cref="PatchUserCommand"/> to a loaded user through the aggregate's methods.
/// Shared by every way of changing a profile (PATCH, PUT, JSON Patch), so they cannot drift apart. New images
/// are processed and stored before the save (SPEC §7: stored before commit, removed again if the change does not
/// commit); the image they replace is removed after commit by <see cref="EventHandlers.DeleteReplacedImageHandler"/>.
/// </summary>
public sealed class UserProfileEditor(
    IUserRepository users,
    IUsernameUniquenessChecker uniqueness,
    ReservedUsernames reserved,
    IClock clock,
    IMediaUrls mediaUrls,
    IImageProcessor images,
    IMediaStorage storage,
    IUnitOfWork unitOfWork)
{
    /// <summary>The user to change, checked against the versions the client read.</summary>
    public async Task<User> LoadAsync(long userId, IReadOnlyCollection<long>? expectedVersions, CancellationToken cancellationToken)
    {
        var user = await users.GetByIdAsync(userId, cancellationToken).ConfigureAwait(false)
                   ?? throw new NotFoundException("user", userId);
        if (expectedVersions is not null && !expectedVersions.Contains(user.Version))
        {
            throw new PreconditionFailedException();
        }

        return user;
    }

    public async Task ApplyAsync(User user, PatchUserCommand request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(request);
        var now = clock.UtcNow;

        if (request.Username.HasValue)
        {
            await user.ChangeUsernameAsync(Username.Create(request.Username.Value, reserved, user.Username), uniqueness, cancellationToken)
                .ConfigureAwait(false);
        }

        var violations = new List<FieldViolation>();
        var changes = request.ToProfileChanges(DateOnly.FromDateTime(now.UtcDateTime), violations);
        if (violations.Count > 0)
        {
            throw new InvalidValueException(violations[0].Field, violations[0].Violation);
        }

        user.UpdateProfile(changes);

        // Decode every new image before storing any, so a bad one leaves storage as it was.
        var avatarEdit = ImageEdits.Avatar(request, violations);
        var coverEdit = ImageEdits.Cover(request, violations);
        var avatarImage = await ProcessAsync(avatarEdit, violations, cancellationToken).ConfigureAwait(false);
        var coverImage = await ProcessAsync(coverEdit, violations, cancellationToken).ConfigureAwait(false);
        if (violations.Count > 0)
        {
            throw new ValidationException(violations.Select(v =>
                new ValidationFailure(v.Field, v.Violation.Message) { ErrorCode = v.Violation.Code }));
        }

        if (avatarEdit is not null)
        {
            user.ChangeAvatar(await StoreAsync(avatarImage, ImageKind.Avatar, cancellationToken).ConfigureAwait(false), now);
        }
        else if (request.Avatar.HasValue && IsRemoval(request.Avatar.Value, user.Avatar, UserFields.Avatar))
        {
            user.ChangeAvatar(null, now);
        }

        if (coverEdit is not null)
        {
            user.ChangeCover(await StoreAsync(coverImage, ImageKind.Cover, cancellationToken).ConfigureAwait(false), now);
        }
        else if (request.Cover.HasValue && IsRemoval(request.Cover.Value, user.Cover, UserFields.Cover))
        {
            user.ChangeCover(null, now);
        }
    }

    private async Task<ProcessedImage?> ProcessAsync(ImageEdit? edit, List<FieldViolation> violations,
        CancellationToken cancellationToken)
    {
        if (edit?.Upload is not { } upload)
        {
            return null;
        }

        var result = await images.ProcessAsync(upload, edit.Kind, cancellationToken).ConfigureAwait(false);
        if (result.Violation is { } violation)
        {
            violations.Add(new FieldViolation(edit.Field, violation));
        }

        return result.Image;
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

    /// <summary>
    /// SPEC §5: outside multipart, an image key is not a file. Empty or <c>null</c> removes the image; the
    /// URL the client read back changes nothing; any other text is refused.
    /// </summary>
    private bool IsRemoval(string? value, string? currentKey, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        return PatchUserCommandValidator.IsCurrentImageUrl(value, currentKey, mediaUrls)
            ? false
            : throw new InvalidValueException(field, PatchUserCommandValidator.NotAnImage(field));
    }
}
