using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.Common.Media;
using CleanUser.Domain.Common;
using CleanUser.Domain.Users;
using FluentValidation;
using FluentValidation.Results;

namespace CleanUser.Application.Users.Commands.PatchUser;

/// <summary>
/// Reports every broken rule of one request together, in field order (docs/api.md#errors): the ones the patch
/// found in the text, and the ones that need more than the text — PUT's required username, reserved names,
/// whether a name is free (one query), a birth date after today, an image URL that is not the current one, and
/// the image checks that need no decoding (size, format, header dimensions). The stored user is read (once,
/// untracked) only when a rule depends on it. When all of that passed, new images are decoded and re-encoded here,
/// before the write transaction (<see cref="PreparedImages"/>); corrupt pixel data shows only then, and is reported
/// alone.
/// </summary>
public sealed class PatchUserCommandValidator : AbstractValidator<PatchUserCommand>
{
    public PatchUserCommandValidator(ReservedUsernames reserved, IUsernameUniquenessChecker uniqueness, IClock clock,
        IUserRepository users, IMediaUrls mediaUrls, IImageProcessor images, PreparedImages prepared)
    {
        RuleFor(c => c).CustomAsync(async (command, context, cancellationToken) =>
        {
            var patch = command.Patch;
            Task<StoredUserKeys?>? stored = null;
            Task<StoredUserKeys?> Stored() => stored ??= users.GetStoredKeysAsync(command.UserId, cancellationToken);

            var violations = new List<FieldViolation>(patch.Violations);
            if (command.IsFullUpdate && !patch.Fields.Contains(ProfileFields.Username))
            {
                violations.Add(new FieldViolation(ProfileFields.Username, new RuleViolation(RuleCodes.Required, "This field is required.")));
            }

            if (patch.Username.HasValue)
            {
                var username = patch.Username.Value;
                var violation = reserved.Contains(username.Value)
                    ? reserved.Check(username, (await Stored().ConfigureAwait(false))?.Username)
                    : null;
                if (violation is null && await uniqueness.IsTakenByAnotherUserAsync(username, command.UserId, cancellationToken).ConfigureAwait(false))
                {
                    violation = new UsernameAlreadyTakenException().Violation;
                }

                if (violation is not null)
                {
                    violations.Add(new FieldViolation(ProfileFields.Username, violation));
                }
            }

            if (patch.Changes.DateOfBirth is { HasValue: true, Value: { } date } &&
                BirthDate.CheckNotInFuture(date, DateOnly.FromDateTime(clock.UtcNow.UtcDateTime)) is { } future)
            {
                violations.Add(new FieldViolation(ProfileFields.DateOfBirth, future));
            }

            foreach (var edit in new[] { patch.Avatar, patch.Cover })
            {
                if (edit?.SentUrl is { } url)
                {
                    // No such user: the handler answers 404.
                    var keys = await Stored().ConfigureAwait(false);
                    var current = edit.Kind == ImageKind.Avatar ? keys?.Avatar : keys?.Cover;
                    if (keys is not null && (current is null || url != mediaUrls.ToPublicUrl(current)))
                    {
                        violations.Add(new FieldViolation(edit.Field, RuleViolation.Invalid(
                            $"Send a file (multipart) or {edit.Field.Name}_base64 to change the image; this value is neither.")));
                    }
                }
                else if (edit?.Upload is { } upload &&
                         await images.InspectAsync(upload, edit.Kind, cancellationToken).ConfigureAwait(false) is { } violation)
                {
                    violations.Add(new FieldViolation(edit.Field, violation));
                }
            }

            if (violations.Count == 0)
            {
                // The expensive step, only for a request that passed everything else, and never inside the transaction:
                // a large image takes a processor for a while and would hold every other write behind it.
                foreach (var edit in new[] { patch.Avatar, patch.Cover })
                {
                    if (edit?.Upload is { } upload &&
                        (await prepared.PrepareAsync(upload, edit.Kind, cancellationToken).ConfigureAwait(false)).Violation is { } violation)
                    {
                        violations.Add(new FieldViolation(edit.Field, violation));
                    }
                }
            }

            foreach (var (field, violation) in FieldViolation.InFieldOrder(violations))
            {
                context.AddFailure(new ValidationFailure(field.Name, violation.Message) { ErrorCode = violation.Code });
            }
        });
    }
}
