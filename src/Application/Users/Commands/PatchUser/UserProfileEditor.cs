using CleanUser.Application.Common.Exceptions;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Domain.Common;
using CleanUser.Domain.Users;

namespace CleanUser.Application.Users.Commands.PatchUser;

/// <summary>
/// Applies the fields of a <see cref="PatchUserCommand"/> to a loaded user through the aggregate's methods.
/// Shared by every way of changing a profile (PATCH, PUT, JSON Patch), so they cannot drift apart.
/// </summary>
public sealed class UserProfileEditor(
    IUserRepository users,
    IUsernameUniquenessChecker uniqueness,
    ReservedUsernames reserved,
    IClock clock,
    IMediaUrls mediaUrls)
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

        if (request.Avatar.HasValue && IsRemoval(request.Avatar.Value, user.Avatar, UserFields.Avatar))
        {
            user.ChangeAvatar(null, now);
        }

        if (request.Cover.HasValue && IsRemoval(request.Cover.Value, user.Cover, UserFields.Cover))
        {
            user.ChangeCover(null, now);
        }
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
