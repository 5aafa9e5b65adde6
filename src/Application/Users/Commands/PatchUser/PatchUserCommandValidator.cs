using CleanUser.Application.Common.Interfaces;
using CleanUser.Domain.Common;
using CleanUser.Domain.Users;
using FluentValidation;
using FluentValidation.Results;

namespace CleanUser.Application.Users.Commands.PatchUser;

/// <summary>
/// Reports every broken field rule of one request together (SPEC §9), uniqueness included. The rules
/// themselves live in the domain types; this only asks them and names the field.
/// </summary>
public sealed class PatchUserCommandValidator : AbstractValidator<PatchUserCommand>
{
    public PatchUserCommandValidator(ReservedUsernames reserved, IUsernameUniquenessChecker uniqueness, IClock clock)
    {
        RuleFor(c => c).CustomAsync(async (command, context, cancellationToken) =>
        {
            var violations = new List<FieldViolation>();
            if (command.IsFullUpdate && !command.Username.HasValue)
            {
                violations.Add(new FieldViolation(UserFields.Username, new RuleViolation(RuleCodes.Required, "This field is required.")));
            }
            else if (command.Username.HasValue)
            {
                if (!Username.TryCreate(command.Username.Value, reserved, out var username, out var violation))
                {
                    violations.Add(new FieldViolation(UserFields.Username, violation!));
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

    private static void CheckText(Optional<string?> value, TextRule rule, string field, List<FieldViolation> violations)
    {
        if (value.HasValue && !rule.TryNormalize(value.Value, out _, out var violation))
        {
            violations.Add(new FieldViolation(field, violation!));
        }
    }
}
