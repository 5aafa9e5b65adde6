using CleanUser.Application.Common.Interfaces;
using CleanUser.Domain.Common;
using CleanUser.Domain.Users;
using FluentValidation;
using FluentValidation.Results;

namespace CleanUser.Application.Users.Commands.PatchUser;

/// <summary>
/// SPEC §5: outside multipart, an <c>avatar</c> or <c>cover</c> text that is neither empty nor the user's current
/// image URL is <c>invalid</c>. The handler enforces this too, but only after the other validators have already
/// refused the request; checking it here reports it together with every other broken field (SPEC §9).
/// </summary>
public sealed class PatchUserImageValidator : AbstractValidator<PatchUserCommand>
{
    public PatchUserImageValidator(IUserRepository users, IMediaUrls mediaUrls)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(mediaUrls);
        RuleFor(c => c).CustomAsync(async (command, context, cancellationToken) =>
        {
            if (!IsImageText(command.Avatar) && !IsImageText(command.Cover))
            {
                return;
            }

            // No such user: the handler answers 404.
            if (await users.GetImagesAsync(command.UserId, cancellationToken).ConfigureAwait(false) is not { } images)
            {
                return;
            }

            Check(command.Avatar, images.Avatar, UserFields.Avatar, mediaUrls, context);
            Check(command.Cover, images.Cover, UserFields.Cover, mediaUrls, context);
        });
    }

    public static RuleViolation NotAnImage(string field) => RuleViolation.Invalid(
        $"Send a file (multipart) or {field}_base64 to change the image; this value is neither.");

    private static bool IsImageText(Optional<string?> value) => value.HasValue && !string.IsNullOrWhiteSpace(value.Value);

    private static void Check(Optional<string?> value, string? currentKey, string field, IMediaUrls mediaUrls,
        ValidationContext<PatchUserCommand> context)
    {
        if (!IsImageText(value) || (currentKey is not null && value.Value!.Trim() == mediaUrls.ToPublicUrl(currentKey)))
        {
            return;
        }

        var violation = NotAnImage(field);
        context.AddFailure(new ValidationFailure(field, violation.Message) { ErrorCode = violation.Code });
    }
}
