using CleanUser.Domain.Common;

namespace CleanUser.Domain.Users;

/// <summary>
/// Another user already has this username, compared case-insensitively — or, with look-alikes refused, a username that
/// looks like it (docs/api.md#username-policy). Both are <c>unique</c>; the message says which.
/// </summary>
public sealed class UsernameAlreadyTakenException(RuleViolation violation) : InvalidValueException(UserFields.Username, violation)
{
    public static readonly RuleViolation Taken = new(RuleCodes.Unique, "A user with that username already exists.");

    public static readonly RuleViolation LookAlike = new(RuleCodes.Unique, "A user with a similar username already exists.");

    public UsernameAlreadyTakenException()
        : this(Taken)
    {
    }
}
