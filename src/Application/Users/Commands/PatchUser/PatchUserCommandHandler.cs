using AutoMapper;
using CleanUser.Application.Common.Exceptions;
using CleanUser.Application.Common.Interfaces;
using CleanUser.Domain.Common;
using CleanUser.Domain.Users;
using MediatR;

namespace CleanUser.Application.Users.Commands.PatchUser;

/// <summary>Loads the user, applies the fields present through the aggregate's methods, saves, maps.</summary>
public sealed class PatchUserCommandHandler(
    IUserRepository users,
    IUsernameUniquenessChecker uniqueness,
    ReservedUsernames reserved,
    IUnitOfWork unitOfWork,
    IClock clock,
    IMediaUrls mediaUrls,
    IMapper mapper) : IRequestHandler<PatchUserCommand, UserDto>
{
    public async Task<UserDto> Handle(PatchUserCommand request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var user = await users.GetByIdAsync(request.UserId, cancellationToken).ConfigureAwait(false)
                   ?? throw new NotFoundException("user", request.UserId);
        var now = clock.UtcNow;

        if (request.Username.HasValue)
        {
            await user.ChangeUsernameAsync(Username.Create(request.Username.Value, reserved), uniqueness, cancellationToken)
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

        await unitOfWork.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return mapper.Map<UserDto>(user);
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

        if (currentKey is not null && value.Trim() == mediaUrls.ToPublicUrl(currentKey))
        {
            return false;
        }

        throw new InvalidValueException(field, PatchUserImageValidator.NotAnImage(field));
    }
}
