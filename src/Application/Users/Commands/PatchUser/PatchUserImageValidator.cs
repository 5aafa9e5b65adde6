using CleanUser.Application.Common.Interfaces;
using FluentValidation;
using FluentValidation.Results;

namespace CleanUser.Application.Users.Commands.PatchUser;

/// <summary>
/// The image checks that need no decoding (size, format, header dimensions), so a bad image is reported
/// together with the other field errors of the request (SPEC §9). Its errors follow the text fields', as the
/// image fields follow them in the SPEC. Corrupt pixel data can only be found by decoding, in the handler.
/// </summary>
public sealed class PatchUserImageValidator : AbstractValidator<PatchUserCommand>
{
    public PatchUserImageValidator(IImageProcessor images)
    {
        RuleFor(c => c).CustomAsync(async (command, context, cancellationToken) =>
        {
            var violations = new List<FieldViolation>();
            foreach (var edit in new[] { ImageEdits.Avatar(command, violations), ImageEdits.Cover(command, violations) })
            {
                if (edit?.Upload is { } upload &&
                    await images.InspectAsync(upload, edit.Kind, cancellationToken).ConfigureAwait(false) is { } violation)
                {
                    violations.Add(new FieldViolation(edit.Field, violation));
                }
            }

            foreach (var (field, violation) in violations)
            {
                context.AddFailure(new ValidationFailure(field, violation.Message) { ErrorCode = violation.Code });
            }
        });
    }
}
