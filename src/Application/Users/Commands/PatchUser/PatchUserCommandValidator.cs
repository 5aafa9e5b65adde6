using CleanUser.Application.Common.Interfaces;
using CleanUser.Domain.Common;
using CleanUser.Domain.Users;
using FluentValidation;
using FluentValidation.Results;

namespace CleanUser.Application.Users.Commands.PatchUser;

/// <summary>
/// Reports every broken field rule of one request together (SPEC §9), uniqueness included. The rules
/// themselves live in the domain types; this only asks them and names the field. The stored user is read
/// (once, untracked) only when a rule depends on it: a reserved name the user already holds, or an
/// <c>avatar</c>/<c>cover</c> text that must be the current URL.
/// </summary>
public sealed class PatchUserCommandValidator : AbstractValidator<PatchUserCommand>
{
    public PatchUserCommandValidator(ReservedUsernames reserved, IUsernameUniquenessChecker uniqueness, IClock clock,
        IUserRepository users, IMediaUrls mediaUrls)
    {
        RuleFor(c => c).CustomAsync(async (command, context, cancellationToken) =>
        {
            StoredUserKeys? stored = null;
            async Task<StoredUserKeys?> Stored() =>
                stored ??= await users.GetStoredKeysAsync(command.UserId, cancellationToken).ConfigureAwait(false);

            var violations = new List<FieldViolation>();
            if (command.IsFullUpdate && !command.Username.HasValue)
            {
                violations.Add(new FieldViolation(UserFields.Username, new RuleViolation(RuleCodes.Required, "This field is required.")));
            }
            else if (command.Username.HasValue)
            {
                var raw = command.Username.Value;
                if (!Username.TryCreate(raw, reserved, out var username, out var violation) && violation!.Code == RuleCodes.Reserved)
                {
                    Username.TryCreate(raw, reserved, (await Stored().ConfigureAwait(false))?.Username, out username, out violation);
                }

                if (violation is not null)
                {
                    violations.Add(new FieldViolation(UserFields.Username, violation));
                }
                else if (await uniqueness.IsTakenByAnotherUserAsync(username!, command.UserId, cancellationToken)
                             .ConfigureAwait(false))
                {
                    violations.Add(new FieldViolation(UserFields.Username, new UsernameAlreadyTakenException().Violation));
                }
            }

            CheckText(command.RealName, User.RealNameRule, UserFields.RealName, violations);
            CheckText(command.Bio, User.BioRule, UserFields.Bio, violations);
            CheckText(command.Location, User.LocationRule, UserFields.Location, violations);
            CheckText(command.Description, User.DescriptionRule, UserFields.Description, violations);
            if (command.Website.HasValue && !Website.TryNormalize(command.Website.Value, out _, out var websiteViolation))
            {
                violations.Add(new FieldViolation(UserFields.Website, websiteViolation!));
            }

            command.ToProfileChanges(DateOnly.FromDateTime(clock.UtcNow.UtcDateTime), violations);

            // A file or base64 replaces the image; the text beside it (often the old URL sent back) then does not count.
            var avatarText = command.AvatarImage.HasValue || command.AvatarBase64.HasValue ? default : command.Avatar;
            var coverText = command.CoverImage.HasValue || command.CoverBase64.HasValue ? default : command.Cover;
            if (IsImageText(avatarText) || IsImageText(coverText))
            {
                // No such user: the handler answers 404.
                if (await Stored().ConfigureAwait(false) is { } keys)
                {
                    CheckImageText(avatarText, keys.Avatar, UserFields.Avatar, mediaUrls, violations);
                    CheckImageText(coverText, keys.Cover, UserFields.Cover, mediaUrls, violations);
                }
            }

            foreach (var (field, violation) in violations.OrderBy(v => FieldOrder.IndexOf(v.Field)))
            {
                context.AddFailure(new ValidationFailure(field, violation.Message) { ErrorCode = violation.Code });
            }
        });
    }

    // Errors come back in the order the fields appear in the SPEC, whatever order the checks ran in.
    private static readonly List<string> FieldOrder =
    [
        UserFields.Username, UserFields.RealName, UserFields.Bio, UserFields.Location, UserFields.LocationLatLng,
        UserFields.PositionLatLng, UserFields.DateOfBirth, UserFields.Description, UserFields.Gender,
        UserFields.Website, UserFields.Avatar, UserFields.Cover,
    ];

    /// <summary>SPEC §5: outside multipart, an image field's text is the current URL (no change) or it is refused.</summary>
    public static RuleViolation NotAnImage(string field) => RuleViolation.Invalid(
        $"Send a file (multipart) or {field}_base64 to change the image; this value is neither.");

    public static bool IsCurrentImageUrl(string text, string? currentKey, IMediaUrls mediaUrls)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(mediaUrls);
        return currentKey is not null && text.Trim() == mediaUrls.ToPublicUrl(currentKey);
    }

    private static bool IsImageText(Optional<string?> value) => value.HasValue && !string.IsNullOrWhiteSpace(value.Value);

    private static void CheckImageText(Optional<string?> value, string? currentKey, string field, IMediaUrls mediaUrls,
        List<FieldViolation> violations)
    {
        if (IsImageText(value) && !IsCurrentImageUrl(value.Value!, currentKey, mediaUrls))
        {
            violations.Add(new FieldViolation(field, NotAnImage(field)));
        }
    }

    private static void CheckText(Optional<string?> value, TextRule rule, string field, List<FieldViolation> violations)
    {
        if (value.HasValue && !rule.TryNormalize(value.Value, out _, out var violation))
        {
            violations.Add(new FieldViolation(field, violation!));
        }
    }
}
